/** Local models: the triage LLM (Ollama, vLLM or an external server) and vLLM on the GPU node. */
export { TriageLlm, type ExternalTriage, type OllamaTriage, type TriageBackend, type TriageLlmProps, type VllmTriage } from './triage-llm.js';
export { VllmDeployment, type GpuNodes, type VllmDeploymentProps } from './vllm-deployment.js';
export { estimateGpuSizing, type GpuSizing, type GpuSizingInput } from './gpu-sizing.js';
