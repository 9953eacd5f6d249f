/** Reading a JSONL dataset from a local file, line by line (large files are not loaded whole). */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseJsonlProblemLines, type JsonlDatasetOptions } from './jsonl';

export async function readJsonlFile(path: string, options: Partial<Omit<JsonlDatasetOptions, 'source'>> = {}) {
  try {
    await access(path);
  } catch {
    throw new Error(`Dataset file ${path} does not exist or cannot be read.`);
  }
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    return await parseJsonlProblemLines(lines, { ...options, source: path });
  } finally {
    lines.close();
    stream.destroy();
  }
}
