/**
 * Imported first by test/integration/order-entry-rest.int.test.ts: every bench after it writes
 * `orderEntry: rest` (harness.ts `testOrderEntry`), so the test files it imports next run over REST.
 */
process.env.GRIDBOT_TEST_ORDER_ENTRY = 'rest';
