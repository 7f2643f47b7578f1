// Mocha root hooks, loaded by .mocharc.json for every run.
import type { RootHookObject } from 'mocha';
import { releaseTestDatabases } from './databases.js';

export const mochaHooks: RootHookObject = {
  async afterAll() {
    await releaseTestDatabases();
  },
};
