/// <reference lib="webworker" />
/** The engine's home in the browser: the exposed API (logic lives in api.ts) and its life. */
import { expose } from 'comlink';
import { createEngineApi } from './api';

/**
 * The worker holds the lock named after it for as long as it lives: the page is
 * granted it the moment the worker is gone, even when it ended itself and sent no
 * event (client.ts). Its first ping is answered once the lock is held.
 */
const held: Promise<void> = new Promise((resolve) => {
  if (!self.navigator.locks) return resolve();
  void self.navigator.locks.request(self.name, () => {
    resolve();
    return new Promise<never>(() => {});
  });
});

const api = createEngineApi();
expose({ ...api, ping: () => held.then(api.ping) });
