/** What the log shows before any conversation is open. */
import { el, icon } from './dom';
import { post } from './vscodeApi';

export function welcome(): HTMLElement {
	const join = el('button', 'welcome-button', { type: 'button' }, 'Join a channel');
	join.addEventListener('click', () => post({ type: 'command', command: 'joinChannel' }));
	const dm = el('button', 'welcome-button secondary', { type: 'button' }, 'Message someone');
	dm.addEventListener('click', () => post({ type: 'command', command: 'directMessage' }));
	return el(
		'div',
		'welcome',
		undefined,
		el('div', 'intro-icon', { 'aria-hidden': 'true' }, icon('comment-discussion')),
		el('div', 'intro-title', undefined, 'Welcome to Parley'),
		el('div', 'intro-text', undefined, 'Join a channel to start talking, or type /help to see the commands.'),
		el('div', 'welcome-actions', undefined, join, dm),
	);
}
