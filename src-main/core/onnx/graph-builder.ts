/**
 * A small typed builder for ONNX graphs: nodes in topological order (the order they are added), float and
 * int64 initialisers, attributes, and value infos, over the official `onnx.proto` (the `onnx-proto` package).
 * Every value gets a unique name (ONNX is SSA, subgraphs included), derived from a readable prefix.
 */
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;
type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

export const DataType = onnx.TensorProto.DataType;
export type ElemType = onnxProto.onnx.TensorProto.DataType;

/** Attribute values by kind: numbers are ints unless wrapped with `float()`. */
export type Attr = number | number[] | string | { float: number };

/** A float attribute (ONNX distinguishes ints from floats; JS numbers do not). */
export function float(value: number): { float: number } {
  return { float: value };
}

/** One dimension of a declared shape: a size, or a named symbolic size such as 'batch'. */
export type Dim = number | string;

function attribute(name: string, v: Attr): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if (typeof v === 'object') return { name, type: T.FLOAT, f: v.float };
  if (!Number.isInteger(v)) throw new Error(`ONNX attribute "${name}": ${v} is not an integer (wrap floats with float())`);
  return { name, type: T.INT, i: v };
}

export function valueInfo(name: string, elemType: ElemType, dims: Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function bytesOf(data: Float32Array | BigInt64Array | Uint8Array): Uint8Array {
  // ONNX raw_data is little-endian; so are the typed arrays on every platform Node ships for.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();

  /** A name not used before, from a readable prefix. */
  fresh(prefix: string): string {
    let name = prefix;
    for (let i = 1; this.used.has(name); i++) name = `${prefix}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Reserves an exact name (graph inputs, outputs, weights); throws if taken. */
  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`ONNX graph: the name "${name}" is used twice`);
    this.used.add(name);
    return name;
  }

  /** A float32 initialiser (weights, constants) under an exact name. */
  floats(name: string, data: Float32Array, dims: number[]): string {
    this.initializers.push({ name: this.reserve(name), dataType: DataType.FLOAT, dims, rawData: bytesOf(data) });
    return name;
  }

  /** A bool initialiser under an exact name. */
  bools(name: string, data: boolean[], dims: number[]): string {
    const raw = Uint8Array.from(data, (b) => (b ? 1 : 0));
    this.initializers.push({ name: this.reserve(name), dataType: DataType.BOOL, dims, rawData: raw });
    return name;
  }

  /** A shared int64 constant (shapes, axes, indices); `dims` [] makes a scalar. */
  int64(values: number[], dims: number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh(`const_i64_${values.join('_').replace(/-/g, 'm')}`.slice(0, 40));
    this.initializers.push({ name, dataType: DataType.INT64, dims, rawData: bytesOf(BigInt64Array.from(values, BigInt)) });
    this.constants.set(key, name);
    return name;
  }

  /** A shared float32 scalar constant. */
  scalar(value: number): string {
    const key = `f32:${value}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh('const_f32');
    this.initializers.push({ name, dataType: DataType.FLOAT, dims: [], rawData: bytesOf(Float32Array.of(value)) });
    this.constants.set(key, name);
    return name;
  }

  /** Appends a node with one output; returns the output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, out?: string): string {
    return this.opN(opType, inputs, 1, attrs, out ? [out] : undefined)[0];
  }

  /** Appends a node with `count` outputs. */
  opN(opType: string, inputs: string[], count: number, attrs: Record<string, Attr> = {}, outs?: string[]): string[] {
    const output = outs ? outs.map((o) => this.reserve(o)) : Array.from({ length: count }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      opType,
      name: this.fresh(`node_${opType}`),
      input: inputs,
      output,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  graph(name: string, inputs: ValueInfoProto[], outputs: ValueInfoProto[], docString = ''): GraphProto {
    return { name, node: this.nodes, initializer: this.initializers, input: inputs, output: outputs, docString };
  }
}
