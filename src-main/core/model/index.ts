export * from './config';
export * from './costs';
export * from './flops';
export * from './vit';
export * from './executor';
export * from './keep-mask';
export * from './io';
export { setOpsMode, opsMode, type OpsMode } from './ops';
export { namedVariables, isAgentVariable, isDecayed } from './params';
