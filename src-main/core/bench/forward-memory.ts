/**
 * Two memory measures of one forward pass, from tf.profile:
 * - peakBytes: the most tensor memory alive at once (what decides whether a batch fits);
 * - processedBytes: the bytes of every tensor the kernels produced, summed (the activation traffic a pass
 *   generates). A dynamic path that skips layers for some images lowers the second; it lowers the first only if
 *   the peak is reached in a layer that some images skip.
 */
import * as tf from '@tensorflow/tfjs';

export interface ForwardMemory {
  peakBytes: number;
  processedBytes: number;
}

export async function forwardMemory(f: () => tf.Tensor): Promise<ForwardMemory> {
  const info = await tf.profile(() => {
    const y = f();
    y.dataSync();
    y.dispose();
  });
  const processedBytes = info.kernels.reduce((a, k) => a + Math.max(0, k.bytesAdded), 0);
  return { peakBytes: info.peakBytes, processedBytes };
}
