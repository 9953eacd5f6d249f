// Renders the fabricated sample report to a file so the page can be looked at in a browser:
//   node --import tsx test/unit/report/renderSample.ts OUT.html
import { writeFileSync } from 'node:fs';
import { parseRunReport, renderReportHtml } from '../../../../recipe/report';
import { sampleReport } from './fixture';

const out = process.argv[2];
if (!out) {
  console.error('usage: renderSample.ts OUT.html');
  process.exit(2);
}
const html = renderReportHtml(parseRunReport(sampleReport(), 'sample report'));
writeFileSync(out, html);
console.log(JSON.stringify({ out, bytes: Buffer.byteLength(html) }));
