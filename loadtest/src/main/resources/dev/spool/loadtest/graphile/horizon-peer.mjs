// The Graphile Worker side of `spool-loadtest horizon --target graphile` (GraphileHorizonTarget starts it):
// Graphile Worker's own runner with a no-op task, and its own addJobs for the jobs the load tester says are due.
// The load tester keeps the rate (one clock for every target); this script only does what an application on
// Graphile Worker would: enqueue through the library and run the jobs.
//
// Environment: DATABASE_URL; CONCURRENCY (the runner's concurrency); LOCAL_QUEUE (0: Graphile's default, each
// slot claims one job; n > 0: its localQueue of n jobs and batched completion).
// stdin: one line per enqueue, the number of jobs; end of input stops the runner gracefully.
// stdout:
//   READY <graphile-worker version>              the runner is up (migrations run)
//   ENQUEUED <n> | FAILED <n> <message>          after each addJobs
//   PICKUP <epoch second> <us>,<us>,...          pickup latencies of the jobs started in that second (handler
//                                                start minus the job's run_at, microseconds), once it is over
//   UPTO <epoch second>                          every second before this one has been reported
//   STOPPED                                       the runner has stopped and the pool is closed
// Errors of the library go to stderr.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Logger, makeWorkerUtils, run } from "graphile-worker";
import pg from "pg";

const connectionString = process.env.DATABASE_URL;
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const localQueue = Number(process.env.LOCAL_QUEUE ?? 0);

// node-pg parses a timestamptz into a Date, which keeps milliseconds: the parser below keeps the microseconds
// as well (a Date still, so the library sees what it expects), for pickups of a millisecond or less.
const TIMESTAMPTZ = 1184;
const baseParser = pg.types.getTypeParser(TIMESTAMPTZ);
const types = {
  getTypeParser(oid, format) {
    if (oid !== TIMESTAMPTZ || format === "binary") {
      return pg.types.getTypeParser(oid, format);
    }
    return (text) => {
      const date = baseParser(text);
      const fraction = /\.(\d+)/.exec(text);
      if (date instanceof Date && fraction) {
        date.microsWithinMilli = Number((fraction[1] + "000000").slice(3, 6));
      }
      return date;
    };
  },
};

const pool = new pg.Pool({ connectionString, max: concurrency + 4, types });
// A connection's error would otherwise be thrown where nobody catches it (Graphile warns without these).
pool.on("error", (e) => console.error(`pool: ${e.message}`));
pool.on("connect", (client) => client.on("error", (e) => console.error(`connection: ${e.message}`)));
const logger = new Logger(() => (level, message) => {
  if (level === "error") {
    console.error(`graphile-worker: ${message}`);
  }
});
const out = (line) => process.stdout.write(line + "\n");

/** Microseconds since the epoch, wall clock (the same clock PostgreSQL's now() reads on this box). */
const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);
const pickups = new Map();
const record = (job) => {
  const started = nowMicros();
  const runAt = job.run_at.getTime() * 1000 + (job.run_at.microsWithinMilli ?? 0);
  const second = Math.floor(started / 1e6);
  let lags = pickups.get(second);
  if (!lags) {
    pickups.set(second, (lags = []));
  }
  lags.push(Math.max(0, started - runAt));
};
let reportedUpTo = 0;
const flush = (all) => {
  const current = Math.floor(nowMicros() / 1e6);
  for (const [second, lags] of pickups) {
    if (all || second < current) {
      out(`PICKUP ${second} ${lags.join(",")}`);
      pickups.delete(second);
    }
  }
  if (current > reportedUpTo) {
    reportedUpTo = current;
    out(`UPTO ${current}`);
  }
};

const preset = localQueue > 0
  ? { worker: { localQueue: { size: localQueue }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } }
  : {};
const runner = await run({
  pgPool: pool, logger, concurrency, noHandleSignals: true, preset,
  taskList: { noop: async (payload, helpers) => record(helpers.job) },
});
const utils = await makeWorkerUtils({ pgPool: pool, logger });
const flusher = setInterval(() => flush(false), 100);
const version = JSON.parse(readFileSync(new URL(import.meta.resolve("graphile-worker/package.json")))).version;
out(`READY ${version}`);

const specs = (n) => Array.from({ length: n }, () => ({ identifier: "noop", payload: {} }));
const pending = new Set();
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const n = Number(line.trim());
  if (!(n > 0)) {
    return;
  }
  const added = utils.addJobs(specs(n)).then(
    () => out(`ENQUEUED ${n}`),
    (e) => out(`FAILED ${n} ${String(e.message).replace(/\s+/g, " ")}`));
  pending.add(added);
  added.finally(() => pending.delete(added));
});
lines.on("close", async () => {
  await Promise.allSettled([...pending]);
  await runner.stop();
  clearInterval(flusher);
  flush(true);
  await utils.release();
  await pool.end();
  out("STOPPED");
});
