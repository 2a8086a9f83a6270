/** Texts of the online self-service portal (法人门户, R34/R27), in both languages. */
import { defineMessages } from './define.js';

export const portalMessages = defineMessages({}, {});
