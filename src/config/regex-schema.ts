import { z } from 'zod';

/** A string that compiles as a JavaScript regular expression. */
export const regexString = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);
