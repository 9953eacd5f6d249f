// The r1flow command line: dispatches to one file per command group.
import { ConfigError } from '../recipe/config';
import { abortCommand } from './abort';
import { configCommand } from './config';
import { demoCommand } from './demo';
import { devCommand } from './dev';
import { doctorCommand } from './doctor';
import { exportCommand } from './export';
import { gcCommand } from './gc';
import { generateCommand } from './generate';
import { inspectCommand } from './inspect';
import { listCommand } from './list';
import { UsageError } from './output';
import { reportCommand } from './report';
import { resumeCommand } from './resume';
import { runCommand } from './run';
import { scheduleCommand } from './schedule';
import { statusCommand } from './status';
import { workerCommand } from './worker';

const HELP = `r1flow — the DeepSeek-R1 recipe as durable Temporal workflows

Usage: r1flow <command> [options]

  demo [--stop] [--preset P | --config FILE]
                            bring the embedded stack up, start a worker, run the recipe (tiny) and report
  run [--preset P | --config FILE] [--id RUN] [--follow]
                            start the recipe (tiny by default); --follow shows a live bar per stage
  status RUN [--follow]     where a run is: stages, step, reward, accuracy, eval, report
  resume RUN [--patch FILE] retry the failed stage of a waiting run, optionally with a config patch
  abort RUN [--reason TEXT] stop a run
  list [--limit N] [--status running|completed|failed]
                            recent runs with stage, step and preset
  schedule create NAME (--cron EXPR | --every DURATION) [--preset P | --config FILE]
           [--overlap skip|buffer-one|allow-all|cancel-other] [--pause-on-failure]
                            retrain on a timetable, continuing lineage NAME
  schedule list|describe NAME|pause NAME|unpause NAME|trigger NAME|delete NAME
  report RUN [--out DIR]    rebuild a run's report (HTML + JSON) in S3 and locally
  dev up|down|status        the embedded Temporal dev server + SeaweedFS S3
  doctor                    check Temporal, search attributes, workers and S3 end to end
  worker [--queues Q] [--cache-dir DIR] [--cache-max-gb N]
                            run a worker (control,gpu by default; checkpoints cached in DIR, at most N GB)
  gc [--dry-run] [--all-cache]
                            free local disk (dead scratch, cache over its cap) and apply S3 retention
  generate SOURCE --prompt TEXT [--chat] [--max-new-tokens N] [--temperature T] [--top-p P] [--seed S] [--json]
                            a completion from a model (temperature 0 is greedy)
  export SOURCE --format hf|onnx --out DIR [--dtype f32|bf16]
                            a model as a Hugging Face folder or a standalone ONNX model
  inspect SOURCE [--json]   architecture, parameters, dtypes, tokenizer and context length of a model
                            SOURCE: a run id (its final checkpoint), RUN/STAGE, an s3:// checkpoint or
                            Hugging Face prefix, a local checkpoint, a Hugging Face folder or a .gguf file;
                            --context-length N loads it with a shorter context than its position table
  config schema             print the config's JSON Schema
  config check FILE         validate a JSON/YAML config and list every problem
  config show FILE|PRESET   print the full config with defaults
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo':
      return demoCommand(rest);
    case 'dev':
      return devCommand(rest);
    case 'doctor':
      return doctorCommand();
    case 'worker':
      return workerCommand(rest);
    case 'config':
      return configCommand(rest);
    case 'run':
      return runCommand(rest);
    case 'status':
      return statusCommand(rest);
    case 'resume':
      return resumeCommand(rest);
    case 'abort':
      return abortCommand(rest);
    case 'list':
      return listCommand(rest);
    case 'schedule':
      return scheduleCommand(rest);
    case 'report':
      return reportCommand(rest);
    case 'generate':
      return generateCommand(rest);
    case 'export':
      return exportCommand(rest);
    case 'inspect':
      return inspectCommand(rest);
    case 'gc':
      return gcCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return 0;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}; run r1flow help`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof ConfigError) console.error(`r1flow: ${err.message}`);
    else console.error(`r1flow: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.R1FLOW_DEBUG && err instanceof Error) console.error(err.stack);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
