/**
 * The full-text index of the SQLite store (tables from schema 7, see sqlite-schema.ts).
 *
 * - `message_words`: FTS5, contentless, `detail=none`, `tokenize='ascii'`. Each message is
 *   indexed as its `searchWords` joined by spaces, so the index's tokens are exactly the
 *   words a query is split into; with prefix indexes of 1, 2 and 3 characters.
 * - `search_terms`: every word ever indexed, in order: a query word of 4 characters or
 *   more becomes the OR of the (at most EXPANSION_LIMIT) terms it starts. FTS5 reads a
 *   list of exact terms newest first and stops at the LIMIT, where a prefix query with no
 *   prefix index of its length first merges the whole doclist of every term it matches
 *   (hundreds of ms over a million messages).
 * - `search_progress.indexed_upto`: every message with an id up to it is indexed (or was
 *   deleted). Appends commit without touching the index; the index follows in batches a
 *   few ms later, in its own transactions, so a send's round trip does not pay for it.
 *   Nothing is lost in a crash: what is past the mark is indexed when the store opens.
 *   Search, edits and deletions first index what is pending, so results never lag.
 */
import type Database from 'better-sqlite3';
import { searchWords } from './store';

/** A query word with more completions than this is searched as an FTS5 prefix query. */
const EXPANSION_LIMIT = 100;
/** Query words this short (in characters) are served by the prefix indexes. */
const PREFIX_INDEX_MAX = 3;
/** Messages indexed per transaction: bounds how long one batch holds the event loop (about 50 us each). */
const BATCH = 200;
/** Delay between an append and the batch that indexes it. */
const DELAY_MS = 20;
/** Words known to be in `search_terms`, so that common ones cost no statement; cleared when this big. */
const KNOWN_TERMS_MAX = 50_000;

export class SqliteSearchIndex {
	private readonly statements;
	private readonly indexBatch: () => boolean;
	private readonly knownTerms = new Set<string>();
	private timer: NodeJS.Timeout | undefined;
	private upto: number;

	/** `enabled` false: nothing is indexed (bench only: `--bench-no-search-index`). */
	constructor(db: Database.Database, private readonly enabled = true) {
		this.statements = {
			progress: db.prepare('SELECT indexed_upto FROM search_progress').pluck(),
			setProgress: db.prepare('UPDATE search_progress SET indexed_upto = ?'),
			pending: db.prepare('SELECT id, text, deleted FROM messages WHERE id > ? ORDER BY id LIMIT ?'),
			insert: db.prepare('INSERT INTO message_words (rowid, words) VALUES (?, ?)'),
			remove: db.prepare('DELETE FROM message_words WHERE rowid = ?'),
			addTerm: db.prepare('INSERT OR IGNORE INTO search_terms (term) VALUES (?)'),
			terms: db.prepare('SELECT term FROM search_terms WHERE term >= ? ORDER BY term LIMIT ?').pluck(),
		};
		this.upto = this.statements.progress.get() as number;
		this.indexBatch = db.transaction(() => {
			const rows = this.statements.pending.all(this.upto, BATCH) as { id: number; text: string; deleted: number }[];
			for (const row of rows) {
				if (row.deleted === 0) {
					this.add(row.id, row.text);
				}
			}
			if (rows.length > 0) {
				this.upto = rows[rows.length - 1].id;
				this.statements.setProgress.run(this.upto);
			}
			return rows.length === BATCH;
		});
		if (enabled) {
			// What was appended before a crash (or by a version before the index) is indexed soon.
			this.schedule(0);
		}
	}

	/** Indexes a message's text (inside the caller's transaction). */
	private add(id: number, text: string): void {
		const words = searchWords(text);
		this.statements.insert.run(id, words.join(' '));
		for (const word of words) {
			if (!this.knownTerms.has(word)) {
				if (this.knownTerms.size >= KNOWN_TERMS_MAX) {
					this.knownTerms.clear();
				}
				this.statements.addTerm.run(word);
				this.knownTerms.add(word);
			}
		}
	}

	/** A message was appended (committed): it is indexed in a later batch. */
	appended(): void {
		if (this.enabled && this.timer === undefined) {
			this.schedule(DELAY_MS);
		}
	}

	private schedule(ms: number): void {
		this.timer = setTimeout(() => {
			this.timer = undefined;
			if (this.indexBatch()) {
				this.schedule(0);
			}
		}, ms);
		this.timer.unref();
	}

	/** Indexes everything pending now. */
	catchUp(): void {
		if (!this.enabled) {
			return;
		}
		while (this.indexBatch()) {
			// until a batch finds fewer than BATCH messages
		}
	}

	/**
	 * A message's text changes (`text`) or goes (undefined); call inside the transaction that
	 * writes it, after `catchUp`. A message the index has not reached yet needs nothing.
	 */
	changed(id: number, text: string | undefined): void {
		if (!this.enabled || id > this.upto) {
			return;
		}
		this.statements.remove.run(id);
		if (text !== undefined) {
			this.add(id, text);
		}
	}

	/**
	 * The FTS5 MATCH expression for normalized query words; undefined when a word starts no
	 * indexed word (nothing can match). Every term is quoted: it holds only letters and
	 * digits, so no user text is read as FTS5 syntax.
	 */
	matchExpression(words: readonly string[]): string | undefined {
		const parts: string[] = [];
		for (const word of words) {
			if ([...word].length <= PREFIX_INDEX_MAX) {
				parts.push(`"${word}"*`);
				continue;
			}
			const terms = (this.statements.terms.all(word, EXPANSION_LIMIT + 1) as string[]).filter((t) => t.startsWith(word));
			if (terms.length === 0) {
				return undefined;
			}
			if (terms.length > EXPANSION_LIMIT) {
				parts.push(`"${word}"*`);
			} else {
				parts.push(terms.length === 1 ? `"${terms[0]}"` : `(${terms.map((t) => `"${t}"`).join(' OR ')})`);
			}
		}
		return parts.join(' AND ');
	}

	/** Stops the timer; what is pending stays pending (indexed when the store opens again). */
	close(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
	}
}
