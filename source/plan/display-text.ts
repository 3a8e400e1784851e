/** Escaping host text for the terminal lives in system/ (shell quoting needs it there too). */
export { displaySafe, hasUnsafeText } from '../system/display-text.js';
