import { conv, upConv, type Net } from './nn.ts';
import { c3 } from './yolo-blocks.ts';

/** comic-text-detector's `double_conv_up_c3`: C3 over [skip, below], then a ×2 transposed conv halving the channels. */
function upBlock(net: Net, inputs: string[], cin: number, cout: number): string {
  const { g } = net;
  const x = inputs.length > 1 ? g.op('Concat', inputs, { axis: 1 }) : inputs[0];
  return relu(net, upConv(net, c3(net, x, cin, cout, 1), cout, cout / 2, 4, 2, 1));
}

const relu = (net: Net, x: string) => net.g.op('Relu', [x]);

/**
 * U-Net-like mask head: C3 blocks 512→256→128→64 climbing back up the backbone, a transposed conv to full
 * resolution, sigmoid. Also returns the 64-channel stride-4 features the DB head reads.
 */
export function unetHead(net: Net, [f1, f3, f5, f7, f9]: string[]): { seg: string; features: string } {
  const { g } = net;
  // The widest block runs at 16², where parameters are cheap: it brings the file near the published ~95 MB.
  const down = c3(net, g.op('AveragePool', [f9], { kernel_shape: [2, 2], strides: [2, 2] }), 512, 1024, 3);
  const u32 = upBlock(net, [down], 1024, 512); // 256 @ 32²
  const u64 = upBlock(net, [f7, u32], 768, 256); // 128 @ 64²
  const u128 = upBlock(net, [f5, u64], 384, 256); // 128 @ 128²
  const u256 = upBlock(net, [f3, u128], 256, 128); // 64 @ 256²
  const features = c3(net, g.op('Concat', [f1, u256], { axis: 1 }), 128, 64, 1); // 256², stride 4
  const u512 = relu(net, upConv(net, features, 64, 32, 4, 2, 1));
  const seg = g.op('Sigmoid', [upConv(net, u512, 32, 1, 4, 2, 1)]);
  return { seg, features };
}

/** DBNet head (k = 50): probability and threshold maps at ×4, then the differentiable binarisation's inputs. */
export function dbHead(net: Net, features: string): string {
  const { g } = net;
  const branch = () => {
    const a = relu(net, conv(net, features, 64, 16, { kernel: 3 }));
    const b = relu(net, upConv(net, a, 16, 16, 2, 2, 0));
    return g.op('Sigmoid', [upConv(net, b, 16, 1, 2, 2, 0)]);
  };
  const shrink = branch();
  const threshold = branch();
  // Only ch0 is used at inference; the step function 1/(1+e^(−k(P−T))) is computed as the export does.
  const binary = g.op('Sigmoid', [g.op('Mul', [g.op('Sub', [shrink, threshold]), g.constF([50])])]);
  return g.op('Concat', [shrink, binary], { axis: 1 });
}
