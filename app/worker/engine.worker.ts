/// <reference lib="webworker" />
/** The engine's home in the browser: nothing but the exposed API (logic lives in api.ts). */
import { expose } from 'comlink';
import { createEngineApi } from './api';

expose(createEngineApi());
