/** Texts of the branch counter (网点柜台, R33), in both languages. */
import { defineMessages } from './define.js';

export const counterMessages = defineMessages({}, {});
