/** What the extension-host suite reports to its launcher (as JSON in a file for code-server). */
export interface TestOutcome {
	/** "suite title > test title". */
	title: string;
	state: 'passed' | 'failed';
	durationMs: number;
	/** For failures: the assertion or error message, then the stack. */
	error?: string;
}

export interface SuiteResults {
	/** Where it ran, e.g. "code-server 1.139.1 (extension host, Node v24.21.0)". */
	host: string;
	passes: number;
	failures: number;
	tests: TestOutcome[];
	durationMs: number;
	/** Set when the suite could not run at all (load error, crash). */
	fatal?: string;
}
