/** `parseArgs`'s error as one short line: `unknown option --x (see --help)`, `--format needs a value (see --help)`. */
export function argumentProblem(error: unknown, help: string): string {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'(-[^' ]*)/.exec(message ?? '')?.[1];
  let problem = (message ?? String(error)).split('\n')[0].split('. ')[0];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) problem = `unknown option ${option}`;
  else if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option)
    problem = /does not take/.test(message ?? '') ? `${option} takes no value` : `${option} needs a value`;
  return `${problem} (see ${help})`;
}
