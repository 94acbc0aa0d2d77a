/**
 * The integration tests that place counter-orders, again with `orderEntry: rest` (issue 15): the
 * suite's default is the simulator's, `ws`, and both order-entry paths must keep every promise.
 * The env variable is set before the test files are imported (support/rest-order-entry.ts), and
 * read per bench; each file's tests run here a second time under this file's name. The whole
 * integration suite over REST: `GRIDBOT_TEST_ORDER_ENTRY=rest npx vitest run test/integration`.
 */
import './support/rest-order-entry.js';
import './grid-lifecycle.int.test.js';
import './restart.int.test.js';
import './journal-write-ahead.int.test.js';
