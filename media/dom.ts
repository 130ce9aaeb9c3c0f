/**
 * DOM building without HTML strings: every node is created with createElement and every
 * piece of text goes through textContent, so text from the network can never become markup.
 */

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | undefined | false;

/** Creates `<tag class=...>` with attributes (false/undefined skipped) and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(
	tag: K,
	className?: string,
	attrs?: Attrs,
	...children: Child[]
): HTMLElementTagNameMap[K] {
	const node = document.createElement(tag);
	if (className) {
		node.className = className;
	}
	if (attrs) {
		for (const [name, value] of Object.entries(attrs)) {
			if (value === undefined || value === false) {
				continue;
			}
			node.setAttribute(name, value === true ? '' : String(value));
		}
	}
	append(node, children);
	return node;
}

export function append(parent: Node, children: Child[]): void {
	for (const child of children) {
		if (child === undefined || child === false) {
			continue;
		}
		parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
	}
}

/** A codicon glyph; decorative, so hidden from assistive technology. */
export function icon(name: string, extra = ''): HTMLElement {
	return el('i', `codicon codicon-${name}${extra ? ' ' + extra : ''}`, { 'aria-hidden': 'true' });
}

/** A toolbar-style icon button with an accessible name and a tooltip. */
export function iconButton(name: string, label: string, className = ''): HTMLButtonElement {
	return el('button', `icon-button ${className}`.trim(), { type: 'button', 'aria-label': label, title: label }, icon(name));
}

export function clear(node: Node): void {
	while (node.firstChild) {
		node.removeChild(node.firstChild);
	}
}
