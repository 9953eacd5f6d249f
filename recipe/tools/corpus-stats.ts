/**
 * Prints JSON statistics of the default pretraining corpus: how much of it is in the R1 format,
 * correct, and fully right, i.e. what a base model that imitated it perfectly would score.
 * Run: npx tsx recipe/tools/corpus-stats.ts [documents] [seed]
 */
import { generateCorpus } from '../task/corpus';
import { accuracyReward } from '../rewards/accuracy';
import { formatReward } from '../rewards/format';
import { languageConsistencyReward } from '../rewards/language';
import { generalRuleReward } from '../rewards/general';

const documents = Number(process.argv[2] ?? 20000);
const seed = Number(process.argv[3] ?? 1);
const corpus = generateCorpus({ seed, documents });

const reasoning = { n: 0, format: 0, accuracy: 0, allRight: 0 };
const general = { n: 0, right: 0 };
corpus.documents.forEach((doc, i) => {
  const problem = corpus.problems[i];
  if (!problem) return;
  const sample = { problem, completion: doc.slice(doc.indexOf('\nA: ') + 4) };
  if (problem.category === 'reasoning') {
    reasoning.n++;
    const format = formatReward(sample) === 1;
    const correct = accuracyReward(sample) === 1;
    if (format) reasoning.format++;
    if (correct) reasoning.accuracy++;
    if (format && correct && languageConsistencyReward(sample) === 1) reasoning.allRight++;
  } else {
    general.n++;
    if (generalRuleReward(sample) === 1) general.right++;
  }
});

const share = (k: number, n: number) => Math.round((k / n) * 1000) / 1000;
console.log(
  JSON.stringify({
    documents,
    seed,
    counts: corpus.counts,
    wrongShare: share(corpus.wrong, documents),
    reasoning: {
      documents: reasoning.n,
      formatRate: share(reasoning.format, reasoning.n),
      accuracy: share(reasoning.accuracy, reasoning.n),
      correctWellFormedSingleLanguage: share(reasoning.allRight, reasoning.n),
    },
    general: { documents: general.n, ruleRewardOne: share(general.right, general.n) },
  }),
);
