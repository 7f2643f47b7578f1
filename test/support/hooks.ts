// Mocha root hooks, loaded by .mocharc.json for every run.
export {};
