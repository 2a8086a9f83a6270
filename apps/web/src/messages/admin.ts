/** Texts of the back office (后台管理, R4/R25/R37), in both languages. */
import { defineMessages } from './define.js';

export const adminMessages = defineMessages({}, {});
