/**
 * Issue 17, point 6: `validate` and `doctor` check the `notify:` block's environment variables as
 * `run` does. A missing variable is a `validate` error at file:line:col (exit 2, the same line `run`
 * refuses with); `doctor` lists every target as ok or missing, naming the variable, never a value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorDocument } from '../../../src/runtime/commands/doctor.js';
import { type Simulator, startSimulator } from '../../../src/sim/index.js';
import { SMALL_GRID, cli, configYaml, tempDir } from './support.js';

const SET = 'GRIDBOT_TEST_NOTIFY_SET_TOKEN';
const MISSING = 'GRIDBOT_TEST_NOTIFY_NO_SUCH_URL';
const SECRET = 'secret-value-never-printed';

const notify = `notify:
  targets:
    - kind: telegram
      tokenEnv: ${SET}
      chatId: "-1"
    - kind: discord
      urlEnv: ${MISSING}
    - kind: webhook
      url: http://127.0.0.1:9/hook
`;

const tmp = tempDir();
let sim: Simulator;
beforeAll(async () => {
  process.env[SET] = SECRET;
  delete process.env[MISSING];
  sim = await startSimulator({ port: 0, seed: 5, tickMs: 0 });
});
afterAll(async () => {
  delete process.env[SET];
  await sim.close();
  tmp.cleanup();
});

describe('notify: secrets in the environment', () => {
  it('validate: a missing variable is an error at its target (file:line:col), exit 2, as run refuses it', async () => {
    const file = tmp.file('missing.yaml', configYaml(SMALL_GRID, notify));
    const expected = `${file}:9:7 notify.targets[1].urlEnv: names ${MISSING}, which is not set in the environment (secrets are never read from markets.yaml)`;
    const v = await cli('validate', file);
    expect(v.code).toBe(2);
    expect(v.err).toContain(expected);
    expect(v.err).toContain(`${file}: 1 error`);
    expect(v.err).not.toContain(SECRET);
    const r = await cli('run', '--config', file, '--duration', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain(expected);
  });

  it('validate: every variable set is valid (exit 0)', async () => {
    process.env[MISSING] = 'http://127.0.0.1:9/discord';
    try {
      const file = tmp.file('set.yaml', configYaml(SMALL_GRID, notify));
      const v = await cli('validate', file);
      expect(v.err).toBe('');
      expect(v.code).toBe(0);
    } finally {
      delete process.env[MISSING];
    }
  });

  it('doctor: one notify line, each target ok or missing by variable name, fails when one is missing', async () => {
    const file = tmp.file('doctor.yaml', configYaml(SMALL_GRID, notify));
    const r = await cli('doctor', '--config', file, '--exchange-url', sim.restUrl, '--json');
    const doc = JSON.parse(r.out) as DoctorDocument;
    const check = doc.checks.find((c) => c.name === 'notify');
    expect(check?.status).toBe('fail');
    expect(check?.message).toContain(`telegram#1 ok (${SET} set)`);
    expect(check?.message).toContain(`discord#2 missing ${MISSING} (urlEnv)`);
    expect(check?.message).toContain('webhook#3 ok (no secret)');
    expect(r.out).not.toContain(SECRET);
    expect(r.code).toBe(2);
  });

  it('doctor: no notify line without a notify: block', async () => {
    const file = tmp.file('none.yaml', configYaml(SMALL_GRID));
    const r = await cli('doctor', '--config', file, '--exchange-url', sim.restUrl, '--json');
    const doc = JSON.parse(r.out) as DoctorDocument;
    expect(doc.checks.map((c) => c.name)).not.toContain('notify');
  });
});
