/**
 * Message text to DOM: the Markdown tree of markdown.ts, built with createElement and text
 * nodes only, so nothing in a message is ever parsed as HTML. Links carry their URL in
 * data attributes; clicks are handled in links.ts.
 */
import { el, icon } from './dom';
import { highlight, languageOf } from './highlight';
import { parseMarkdown, type Block, type Inline } from './markdown';

function renderInlines(parent: HTMLElement, inlines: Inline[]): void {
	for (const inline of inlines) {
		switch (inline.type) {
			case 'text':
				parent.appendChild(document.createTextNode(inline.text));
				break;
			case 'code':
				parent.appendChild(el('code', 'inline-code', undefined, inline.text));
				break;
			case 'strong':
			case 'em':
			case 'del': {
				const node = el(inline.type === 'strong' ? 'strong' : inline.type === 'em' ? 'em' : 'del');
				renderInlines(node, inline.children);
				parent.appendChild(node);
				break;
			}
			case 'link': {
				const node = el('a', 'link', { href: inline.url, title: inline.url, 'data-url': inline.url });
				renderInlines(node, inline.children);
				parent.appendChild(node);
				break;
			}
			case 'snippet':
				parent.appendChild(snippetLink(inline));
				break;
			case 'messageLink': {
				const node = el('a', 'link message-link', { href: '#', title: 'Open the message', 'data-message': inline.url }, icon('comment'));
				renderInlines(node, inline.children);
				parent.appendChild(node);
				break;
			}
		}
	}
}

function snippetLink(inline: Extract<Inline, { type: 'snippet' }>): HTMLElement {
	const node = el('a', 'link snippet-link', { href: '#', title: 'Open in the editor', 'data-snippet': inline.url }, icon('file-code'));
	renderInlines(node, inline.children);
	return node;
}

function codeBlock(text: string, lang: string | undefined, header?: HTMLElement): HTMLElement {
	const copy = el('button', 'icon-button copy-code', { type: 'button', 'aria-label': 'Copy code', title: 'Copy code', 'data-copy': '' }, icon('copy'));
	const code = el('code');
	for (const token of highlight(text, lang)) {
		code.appendChild(token.kind ? el('span', `tok-${token.kind}`, undefined, token.text) : document.createTextNode(token.text));
	}
	const known = languageOf(lang);
	return el(
		'div',
		'codeblock',
		known ? { 'data-lang': known } : undefined,
		el('div', 'codeblock-bar', undefined, header ?? el('span', 'codeblock-lang', undefined, lang ?? ''), copy),
		el('pre', undefined, { tabindex: 0 }, code),
	);
}

/** A paragraph holding only a snippet link, right before a code block, is that block's header. */
function snippetHeader(block: Block, next: Block | undefined): HTMLElement | undefined {
	if (block.type !== 'paragraph' || next?.type !== 'code' || block.content.length !== 1 || block.content[0].type !== 'snippet') {
		return undefined;
	}
	return el('span', 'codeblock-header', undefined, snippetLink(block.content[0]));
}

function renderBlocks(parent: HTMLElement, blocks: Block[]): void {
	for (let i = 0; i < blocks.length; i++) {
		const block = blocks[i];
		switch (block.type) {
			case 'paragraph': {
				const header = snippetHeader(block, blocks[i + 1]);
				if (header) {
					const code = blocks[++i] as Extract<Block, { type: 'code' }>;
					parent.appendChild(codeBlock(code.text, code.lang, header));
					break;
				}
				const p = el('p', 'md-p');
				renderInlines(p, block.content);
				parent.appendChild(p);
				break;
			}
			case 'code':
				parent.appendChild(codeBlock(block.text, block.lang));
				break;
			case 'quote': {
				const quote = el('blockquote', 'md-quote');
				renderBlocks(quote, block.blocks);
				parent.appendChild(quote);
				break;
			}
			case 'list': {
				const list = block.ordered ? el('ol', 'md-list', block.start !== 1 ? { start: block.start } : undefined) : el('ul', 'md-list');
				for (const item of block.items) {
					const li = el('li');
					renderBlocks(li, item);
					list.appendChild(li);
				}
				parent.appendChild(list);
				break;
			}
		}
	}
}

/** Renders message text into `parent`. */
export function renderText(parent: HTMLElement, text: string): void {
	renderBlocks(parent, parseMarkdown(text));
}
