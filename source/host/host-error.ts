/**
 * Base of the host layer's errors: the host printed something the probes cannot read. Its message
 * is the problem alone, because the probe screen quotes it as the probe's failure.
 */
import { OperatorError } from '../system/operator-error.js';

/** Reading the host's output is our side of the contract, so the fix is to report it. */
const REPORT = 'please report it with the debug log';

export class HostError extends OperatorError {
  constructor(problem: string, fix = REPORT) {
    super(problem, fix, { message: problem });
    this.name = 'HostError';
  }
}
