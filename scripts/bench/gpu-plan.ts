/**
 * A GPU plan from the run's measured figures: per page, the models' FLOPs, the bytes that cross PCIe
 * (counted at every session.run, model-clock.ts) and the milliseconds of our own CPU work, and the
 * pages/s each bounds on three GPU classes. The page is bound by the slowest of the three when they
 * overlap (two pages in flight), so the bound is 1 / max(GPU, PCIe, CPU) per page.
 */
import type { PipelineResult } from './run-pipeline.ts';

/**
 * FLOPs (2 × multiply-accumulates of Conv/MatMul/Gemm) from docker/kv-decoder/count_flops.py on the
 * real-size models: the detector stand-in at 1024² (its YOLO part is the published one; its U-Net
 * up-convolutions have half the channels, so the real file is a little more), the encoder per crop;
 * the decoder by hand from its shapes (2 layers of 768, MLP 3072, vocab 6144): per generated token
 * and beam 2·(2·(4·768² + 2·768² + 2·768·3072) + 768·6144), plus per crop the cross-attention
 * keys/values once, 2·2·2·197·768².
 */
export const GFLOP = {
  detector_page: 73.4,
  encoder_crop: 35.1,
  decoder_token_beam: 0.0425,
  decoder_cross_kv_crop: 0.93,
};
const BEAMS = 4;

/** FP32 peaks (vendor data sheets) and host links (PCIe gen × 16 lanes, ~80 % of the line rate) */
export const GPUS = [
  { name: 'RTX 4090', fp32_tflops: 82.6, pcie_gb_s: 25 },
  { name: 'L4', fp32_tflops: 30.3, pcie_gb_s: 25 },
  { name: 'H100 PCIe', fp32_tflops: 51.2, pcie_gb_s: 50 },
];
/** share of FP32 peak a ViT/YOLO run at batch 8–32 reaches (our assumption, not measured here) */
const EFFICIENCY = 0.4;

export interface GpuPlanRow {
  gpu: string;
  gpu_ms: number;
  pcie_ms_production: number;
  pcie_ms_gpu_config: number;
  cpu_ms: number;
  pages_per_s_production: number;
  pages_per_s_gpu_config: number;
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

export function gpuPlan(production: PipelineResult, gpuConfig: PipelineResult, tokensPerLine: number) {
  const crops = gpuConfig.lines / gpuConfig.pages;
  const gflop = {
    detector: GFLOP.detector_page,
    encoder: round(crops * GFLOP.encoder_crop),
    decoder: round(crops * (GFLOP.decoder_cross_kv_crop + tokensPerLine * BEAMS * GFLOP.decoder_token_beam)),
  };
  const total = gflop.detector + gflop.encoder + gflop.decoder;
  // our own work per page on the main thread: wall minus time inside the models
  const cpuMs = (gpuConfig.wall_ms - gpuConfig.model_ms.total) / gpuConfig.pages;
  const rows: GpuPlanRow[] = GPUS.map((g) => {
    const gpuMs = (total / (g.fp32_tflops * 1000 * EFFICIENCY)) * 1000;
    const pcie = (mb: number) => (mb / 1000 / g.pcie_gb_s) * 1000;
    const bound = (ms: number[]) => round(1000 / Math.max(...ms), 1);
    return {
      gpu: g.name,
      gpu_ms: round(gpuMs),
      pcie_ms_production: round(pcie(production.host_mb_per_page_total)),
      pcie_ms_gpu_config: round(pcie(gpuConfig.host_mb_per_page_total), 2),
      cpu_ms: round(cpuMs),
      pages_per_s_production: bound([gpuMs, pcie(production.host_mb_per_page_total), cpuMs]),
      pages_per_s_gpu_config: bound([gpuMs, pcie(gpuConfig.host_mb_per_page_total), cpuMs]),
    };
  });
  return {
    crops_per_page: round(crops, 1),
    tokens_per_line: tokensPerLine,
    gflop_per_page: { ...gflop, total: round(total) },
    host_mb_per_page: { production: production.host_mb_per_page_total, gpu_config: gpuConfig.host_mb_per_page_total },
    cpu_ms_per_page: round(cpuMs),
    efficiency_assumed: EFFICIENCY,
    rows,
  };
}
