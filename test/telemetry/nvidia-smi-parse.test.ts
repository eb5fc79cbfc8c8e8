import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NvidiaSmiStream, nvidiaSmiArgs, parseNvidiaSmiLine } from '../../src-main/core/telemetry/nvidia-smi-parse';
import type { GpuTick } from '../../src-main/core/telemetry/types';
import { FIXTURES } from './fake-nvidia-smi';

const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

/** Feeds `text` cut at the given offsets and returns the ticks, stamped with their order. */
function ticksOf(text: string, cuts: number[] = []): GpuTick[] {
  const ticks: GpuTick[] = [];
  let clock = 0;
  const stream = new NvidiaSmiStream((t) => ticks.push(t), () => clock++);
  let from = 0;
  for (const c of [...cuts, text.length]) {
    stream.push(text.slice(from, c));
    from = c;
  }
  stream.end();
  return ticks;
}

describe('parseNvidiaSmiLine', () => {
  it('reads a recorded H100 line with every field in its unit', () => {
    const line = fixture('h100-load.csv').split('\n')[4];
    expect(parseNvidiaSmiLine(line)).toEqual({
      index: 0,
      name: 'NVIDIA H100 80GB HBM3',
      powerW: 718.97,
      powerLimitW: 700,
      memUsedMiB: 1011,
      memTotalMiB: 81559,
      utilPct: 100,
      tempC: 52,
      smClockMHz: 1140,
    });
  });

  it('keeps 0 as 0 (idle memory, utilisation, a GPU at 0 W)', () => {
    const s = parseNvidiaSmiLine('1, NVIDIA H100 80GB HBM3, 0.00, 700.00, 0, 81559, 0, 36, 345')!;
    expect(s.powerW).toBe(0);
    expect(s.memUsedMiB).toBe(0);
    expect(s.utilPct).toBe(0);
  });

  it('turns [N/A], [Not Supported], N/A and other bracketed messages into null', () => {
    const s = parseNvidiaSmiLine('0, NVIDIA H100 80GB HBM3, [N/A], [Not Supported], N/A, 81559, [Unknown Error], 35, [GPU is lost]')!;
    expect(s).toMatchObject({ powerW: null, powerLimitW: null, memUsedMiB: null, memTotalMiB: 81559, utilPct: null, tempC: 35, smClockMHz: null });
  });

  it('rejects lines that are not data: messages, headers, wrong field counts', () => {
    expect(parseNvidiaSmiLine('No devices were found')).toBeNull();
    expect(parseNvidiaSmiLine('index, name, power.draw [W], power.limit [W], memory.used [MiB], memory.total [MiB], utilization.gpu [%], temperature.gpu, clocks.sm [MHz]')).toBeNull();
    expect(parseNvidiaSmiLine('0, NVIDIA H100 80GB HBM3, 74.18, 700.00')).toBeNull();
    expect(parseNvidiaSmiLine('[N/A], NVIDIA H100 80GB HBM3, 74.18, 700.00, 0, 81559, 0, 36, 345')).toBeNull();
  });

  it('asks nvidia-smi for exactly the fields it parses', () => {
    expect(nvidiaSmiArgs(250)).toEqual([
      '--query-gpu=index,name,power.draw,power.limit,memory.used,memory.total,utilization.gpu,temperature.gpu,clocks.sm',
      '--format=csv,noheader,nounits',
      '-lms',
      '250',
    ]);
  });
});

describe('NvidiaSmiStream', () => {
  it('turns the idle recording into one tick per line', () => {
    const text = fixture('h100-idle.csv');
    const ticks = ticksOf(text);
    expect(ticks).toHaveLength(12);
    expect(ticks.every((t) => t.gpus.length === 1 && t.gpus[0].index === 0)).toBe(true);
    expect(ticks[0].gpus[0].powerW).toBe(74.18);
  });

  it('groups the 2-GPU stream per tick, whatever chunk boundary a line is cut at', () => {
    const text = fixture('h100x2-load.csv');
    const whole = ticksOf(text);
    expect(whole).toHaveLength(12);
    expect(whole.map((t) => t.gpus.map((g) => g.index))).toEqual(Array(12).fill([0, 1]));
    expect(whole[0].gpus.map((g) => g.powerW)).toEqual([119.42, 283.38]);
    const powers = (ticks: GpuTick[]) => ticks.map((t) => t.gpus.map((g) => g.powerW));
    for (let cut = 1; cut < 200; cut++) expect(powers(ticksOf(text, [cut, cut + 37]))).toEqual(powers(whole));
    // One byte at a time.
    expect(powers(ticksOf(text, Array.from({ length: text.length }, (_, i) => i)))).toEqual(powers(whole));
  });

  it('delivers a tick as soon as its last GPU line arrives once the GPU count is known', () => {
    const lines = fixture('h100x2-load.csv').split('\n');
    const ticks: GpuTick[] = [];
    const stream = new NvidiaSmiStream((t) => ticks.push(t));
    stream.push(`${lines[0]}\n${lines[1]}\n`);
    expect(ticks).toHaveLength(0); // the count is not known yet: the next index 0 closes the tick
    stream.push(`${lines[2]}\n`);
    expect(ticks).toHaveLength(1);
    stream.push(`${lines[3]}\n`);
    expect(ticks).toHaveLength(2); // two lines make a tick now
  });

  it('accepts CRLF, skips blank lines, drops a cut-off last line and remembers the last message', () => {
    const ticks: GpuTick[] = [];
    const stream = new NvidiaSmiStream((t) => ticks.push(t));
    stream.push('0, NVIDIA H100 80GB HBM3, 74.18, 700.00, 0, 81559, 0, 36, 345\r\n\r\n');
    stream.push('Unable to determine the device handle for GPU0000:00:05.0: Unknown Error\n');
    stream.push('0, NVIDIA H100 80GB HBM3, 74.2');
    stream.end();
    expect(ticks).toHaveLength(1);
    expect(ticks[0].gpus[0].smClockMHz).toBe(345);
    expect(stream.lastRejected).toBe('Unable to determine the device handle for GPU0000:00:05.0: Unknown Error');
  });

  it('keeps [N/A] lines as ticks with null fields (h100-na.csv)', () => {
    const ticks = ticksOf(fixture('h100-na.csv'));
    expect(ticks).toHaveLength(12);
    expect(ticks[4].gpus[0].powerW).toBeNull();
    expect(ticks[7].gpus[0]).toMatchObject({ powerW: 74.2, tempC: null, smClockMHz: null });
  });

  it('stamps a tick with the time its first line arrived', () => {
    const lines = fixture('h100x2-load.csv').split('\n');
    let clock = 100;
    const ticks: GpuTick[] = [];
    const stream = new NvidiaSmiStream((t) => ticks.push(t), () => clock);
    stream.push(`${lines[0]}\n`);
    clock = 105;
    stream.push(`${lines[1]}\n`);
    clock = 350;
    stream.push(`${lines[2]}\n`);
    stream.end();
    expect(ticks.map((t) => t.t)).toEqual([100, 350]);
  });
});
