/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: a `# HELP` and
 * a `# TYPE` line per metric, then its samples. Counters end in `_total`; times are in
 * seconds, sizes in bytes. Values are read when scraped: nothing here runs on the
 * server's hot paths, which only add to plain numbers.
 */

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;
type Type = 'counter' | 'gauge' | 'histogram';

function escapeHelp(text: string): string {
	return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabel(value: string): string {
	return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
	if (Number.isNaN(value)) {
		return 'NaN';
	}
	if (!Number.isFinite(value)) {
		return value > 0 ? '+Inf' : '-Inf';
	}
	return String(value);
}

function formatLabels(labels: Labels | undefined): string {
	if (labels === undefined) {
		return '';
	}
	const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
	return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** A histogram of observed values (seconds), with cumulative buckets as Prometheus reads them. */
export class Histogram {
	private readonly counts: number[];
	private sum = 0;
	private count = 0;

	constructor(readonly bounds: readonly number[]) {
		this.counts = bounds.map(() => 0);
	}

	observe(value: number): void {
		this.sum += value;
		this.count++;
		for (let i = 0; i < this.bounds.length; i++) {
			if (value <= this.bounds[i]) {
				this.counts[i]++;
				return;
			}
		}
	}

	/** [le, cumulative count] per bucket, +Inf last; the sum and count. */
	snapshot(): { buckets: [number, number][]; sum: number; count: number } {
		let cumulative = 0;
		const buckets: [number, number][] = this.bounds.map((bound, i) => [bound, (cumulative += this.counts[i])]);
		buckets.push([Infinity, this.count]);
		return { buckets, sum: this.sum, count: this.count };
	}
}

/** Round-trip buckets, in seconds: from 0.5 ms (a local Redis) to 5 s (a database in trouble). */
export const ROUND_TRIP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** One scrape's text, metric by metric. */
export class Exposition {
	private readonly lines: string[] = [];
	private readonly names = new Set<string>();

	private head(name: string, type: Type, help: string): void {
		if (this.names.has(name)) {
			throw new Error(`metric ${name} written twice`);
		}
		this.names.add(name);
		this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
	}

	/** A counter (its name ends in `_total`) or a gauge, with one sample per label set. */
	metric(name: string, type: 'counter' | 'gauge', help: string, samples: number | readonly (readonly [Labels, number])[]): this {
		this.head(name, type, help);
		for (const [labels, value] of typeof samples === 'number' ? [[undefined, samples] as const] : samples) {
			this.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
		}
		return this;
	}

	counter(name: string, help: string, samples: number | readonly (readonly [Labels, number])[]): this {
		return this.metric(name, 'counter', help, samples);
	}

	gauge(name: string, help: string, samples: number | readonly (readonly [Labels, number])[]): this {
		return this.metric(name, 'gauge', help, samples);
	}

	histogram(name: string, help: string, histogram: Histogram): this {
		this.head(name, 'histogram', help);
		const { buckets, sum, count } = histogram.snapshot();
		for (const [le, n] of buckets) {
			this.lines.push(`${name}_bucket{le="${formatValue(le)}"} ${n}`);
		}
		this.lines.push(`${name}_sum ${formatValue(sum)}`, `${name}_count ${count}`);
		return this;
	}

	text(): string {
		return this.lines.join('\n') + '\n';
	}
}
