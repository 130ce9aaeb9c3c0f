import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A fresh script nonce per page load, from the system's CSPRNG. */
export function createNonce(): string {
	return randomBytes(18).toString('base64');
}

/** Scripts on; the webview may read only the extension's media/ and dist/ folders. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
	return {
		enableScripts: true,
		localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')],
	};
}

function escapeAttribute(value: string): string {
	return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The chat page: a CSP that allows nothing but the extension's own styles, fonts and
 * images and the one script carrying `nonce`; the webview script builds everything
 * inside `#app`.
 */
export function renderChatHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string): string {
	const asset = (...segments: string[]) => escapeAttribute(webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString());
	const source = webview.cspSource;
	const csp = [
		`default-src 'none'`,
		`style-src ${source}`,
		`font-src ${source}`,
		`img-src ${source} data:`,
		`script-src 'nonce-${nonce}'`,
	].join('; ');
	return `<!DOCTYPE html>
<html lang="en">
<head>
	<meta charset="UTF-8">
	<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
	<meta name="viewport" content="width=device-width, initial-scale=1.0">
	<link rel="stylesheet" href="${asset('dist', 'codicons', 'codicon.css')}" id="vscode-codicon-stylesheet">
	<link rel="stylesheet" href="${asset('media', 'chat.css')}">
	<title>Parley Chat</title>
</head>
<body>
	<div id="app"></div>
	<script nonce="${escapeAttribute(nonce)}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
}
