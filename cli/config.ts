// r1flow config schema|check FILE|show SPEC
import { z } from 'zod';
import { ConfigError, loadConfig, PipelineConfigSchema } from '../recipe/config';
import { fail } from './output';

export async function configCommand(args: string[]): Promise<number> {
  const [sub, file] = args;
  switch (sub) {
    case 'schema':
      console.log(JSON.stringify(z.toJSONSchema(PipelineConfigSchema, { io: 'input' }), null, 2));
      return 0;
    case 'check':
    case 'show': {
      if (!file) fail(`usage: r1flow config ${sub} FILE|PRESET`);
      try {
        const config = loadConfig(file);
        if (sub === 'show') console.log(JSON.stringify(config, null, 2));
        else console.log(`${file}: valid`);
        return 0;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        console.error(`${file}: ${err.problems.length} problem(s)`);
        for (const p of err.problems) console.error(`  ${p}`);
        return 1;
      }
    }
    default:
      fail(
        `unknown config command ${JSON.stringify(sub ?? '')}; use: r1flow config schema|check FILE|show FILE|PRESET`,
      );
  }
}
