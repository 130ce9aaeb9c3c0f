/**
 * Roving tabindex for a list of focusable items: one Tab stop, arrow keys, Home and End
 * move between items.
 */

export function focusItem(items: HTMLElement[], index: number): void {
	const target = items[Math.max(0, Math.min(items.length - 1, index))];
	if (!target) {
		return;
	}
	for (const item of items) {
		item.tabIndex = item === target ? 0 : -1;
	}
	target.focus();
}

/** Arrow-key navigation among the elements of `container` matching `selector`. */
export function installRoving(container: HTMLElement, selector: string): void {
	container.addEventListener('keydown', (e) => {
		if (e.altKey || e.ctrlKey || e.metaKey) {
			return;
		}
		const items = [...container.querySelectorAll<HTMLElement>(selector)];
		const current = items.indexOf(document.activeElement as HTMLElement);
		if (current < 0) {
			return;
		}
		let next: number;
		switch (e.key) {
			case 'ArrowDown':
				next = current + 1;
				break;
			case 'ArrowUp':
				next = current - 1;
				break;
			case 'Home':
				next = 0;
				break;
			case 'End':
				next = items.length - 1;
				break;
			default:
				return;
		}
		e.preventDefault();
		focusItem(items, next);
	});
}

/** Makes exactly one item (the `preferred` one if present) reachable with Tab. */
export function resetTabStop(items: HTMLElement[], preferred: HTMLElement | undefined): void {
	const stop = preferred ?? items[0];
	for (const item of items) {
		item.tabIndex = item === stop ? 0 : -1;
	}
}
