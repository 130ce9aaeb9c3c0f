/**
 * Parley protocol v1: the contract between the chat server and its clients.
 * Imports nothing from node, vscode, the server or the extension.
 */
export * from './types';
export * from './errors';
export * from './names';
export { checkShape, isShape, type Fields, type OptionalShape, type Shape, type ShapeProblem } from './shapes';
export * from './lifecycle';
export * from './channels';
export * from './users';
export * from './messages';
export * from './account';
export * from './admin';
export * from './moderation';
export * from './conversations';
export * from './mentions';
export * from './edits';
export * from './reactions';
export * from './emoji';
export * from './search';
export * from './threads';
