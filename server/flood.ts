import { systemClock, type Clock } from './clock';

/** Token bucket: `rate` tokens per second, at most `burst` saved up. Rate 0 = unlimited. */
export class TokenBucket {
	private tokens: number;
	private updated: number;

	constructor(private readonly rate: number, private readonly burst: number, private readonly clock: Clock = systemClock) {
		this.tokens = burst;
		this.updated = clock.now();
	}

	/** Takes one token; returns 0 when granted, else the ms until one is available. */
	take(): number {
		if (this.rate <= 0) {
			return 0;
		}
		const now = this.clock.now();
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) * this.rate) / 1000);
		this.updated = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return 0;
		}
		return Math.ceil(((1 - this.tokens) * 1000) / this.rate);
	}
}
