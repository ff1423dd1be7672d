import type { DockerfileModel } from './model';
import { inheritanceChain } from './model';

/** What decides how the shipped image runs; fixes and conversions must leave it as it was. */
export interface RuntimeConfig {
  CMD?: string;
  ENTRYPOINT?: string;
  USER?: string;
  WORKDIR: string[];
  ENV: string[];
  EXPOSE: string[];
}

/** The runtime configuration of the shipped stage, inherited stages included, arguments as written. */
export function runtimeConfig(model: DockerfileModel): RuntimeConfig {
  const config: RuntimeConfig = { WORKDIR: [], ENV: [], EXPOSE: [] };
  if (!model.shipped) return config;
  for (const stage of inheritanceChain(model.shipped).reverse()) {
    for (const instruction of stage.instructions) {
      const value = model.text.slice(model.lines.offsetAt(instruction.keywordRange.end), instruction.end).trim();
      switch (instruction.keyword) {
        case 'CMD':
        case 'ENTRYPOINT':
        case 'USER':
          config[instruction.keyword] = value;
          break;
        case 'WORKDIR':
        case 'ENV':
        case 'EXPOSE':
          config[instruction.keyword].push(value);
          break;
      }
    }
  }
  return config;
}
