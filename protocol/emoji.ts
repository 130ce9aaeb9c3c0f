/**
 * Emoji: the shortcodes the composer completes after `:` (a bounded list of common ones,
 * shared by the webview and the server), and the rule for a reaction's emoji.
 */

/** Emoji shortcodes the composer completes after `:` and reactions accept as `:name:`. */
export const EMOJI: readonly (readonly [string, string])[] = [
	['smile', '😄'], ['grin', '😁'], ['joy', '😂'], ['rofl', '🤣'], ['smiley', '😃'], ['sweat_smile', '😅'], ['laughing', '😆'],
	['wink', '😉'], ['blush', '😊'], ['innocent', '😇'], ['slightly_smiling_face', '🙂'], ['upside_down_face', '🙃'], ['relieved', '😌'],
	['heart_eyes', '😍'], ['star_struck', '🤩'], ['kissing_heart', '😘'], ['yum', '😋'], ['stuck_out_tongue', '😛'], ['stuck_out_tongue_winking_eye', '😜'],
	['zany_face', '🤪'], ['sunglasses', '😎'], ['nerd_face', '🤓'], ['thinking', '🤔'], ['face_with_monocle', '🧐'], ['raised_eyebrow', '🤨'],
	['neutral_face', '😐'], ['expressionless', '😑'], ['no_mouth', '😶'], ['smirk', '😏'], ['unamused', '😒'], ['roll_eyes', '🙄'],
	['grimacing', '😬'], ['zipper_mouth_face', '🤐'], ['shushing_face', '🤫'], ['hugs', '🤗'], ['hand_over_mouth', '🤭'], ['sleeping', '😴'],
	['sleepy', '😪'], ['drooling_face', '🤤'], ['mask', '😷'], ['nauseated_face', '🤢'], ['sneezing_face', '🤧'], ['hot_face', '🥵'],
	['cold_face', '🥶'], ['dizzy_face', '😵'], ['exploding_head', '🤯'], ['cowboy_hat_face', '🤠'], ['partying_face', '🥳'], ['confused', '😕'],
	['worried', '😟'], ['frowning', '😦'], ['open_mouth', '😮'], ['hushed', '😯'], ['astonished', '😲'], ['flushed', '😳'],
	['pleading_face', '🥺'], ['cry', '😢'], ['sob', '😭'], ['scream', '😱'], ['confounded', '😖'], ['persevere', '😣'],
	['disappointed', '😞'], ['sweat', '😓'], ['weary', '😩'], ['tired_face', '😫'], ['yawning_face', '🥱'], ['triumph', '😤'],
	['rage', '😡'], ['angry', '😠'], ['skull', '💀'], ['poop', '💩'], ['clown_face', '🤡'], ['ghost', '👻'], ['alien', '👽'], ['robot', '🤖'],
	['see_no_evil', '🙈'], ['hear_no_evil', '🙉'], ['speak_no_evil', '🙊'], ['wave', '👋'], ['raised_hand', '✋'], ['ok_hand', '👌'],
	['pinched_fingers', '🤌'], ['v', '✌️'], ['crossed_fingers', '🤞'], ['love_you_gesture', '🤟'], ['metal', '🤘'], ['call_me_hand', '🤙'],
	['point_left', '👈'], ['point_right', '👉'], ['point_up', '☝️'], ['point_down', '👇'], ['thumbsup', '👍'], ['+1', '👍'],
	['thumbsdown', '👎'], ['-1', '👎'], ['fist', '✊'], ['punch', '👊'], ['clap', '👏'], ['raised_hands', '🙌'], ['open_hands', '👐'],
	['handshake', '🤝'], ['pray', '🙏'], ['writing_hand', '✍️'], ['muscle', '💪'], ['eyes', '👀'], ['brain', '🧠'], ['facepalm', '🤦'],
	['shrug', '🤷'], ['man_technologist', '👨‍💻'], ['woman_technologist', '👩‍💻'], ['heart', '❤️'], ['orange_heart', '🧡'], ['yellow_heart', '💛'],
	['green_heart', '💚'], ['blue_heart', '💙'], ['purple_heart', '💜'], ['black_heart', '🖤'], ['broken_heart', '💔'], ['sparkling_heart', '💖'],
	['100', '💯'], ['boom', '💥'], ['collision', '💥'], ['dizzy', '💫'], ['sweat_drops', '💦'], ['zzz', '💤'], ['speech_balloon', '💬'],
	['thought_balloon', '💭'], ['fire', '🔥'], ['sparkles', '✨'], ['star', '⭐'], ['star2', '🌟'], ['zap', '⚡'], ['rainbow', '🌈'],
	['sunny', '☀️'], ['cloud', '☁️'], ['snowflake', '❄️'], ['umbrella', '☔'], ['coffee', '☕'], ['tea', '🍵'], ['beer', '🍺'], ['beers', '🍻'],
	['wine_glass', '🍷'], ['champagne', '🍾'], ['pizza', '🍕'], ['hamburger', '🍔'], ['taco', '🌮'], ['doughnut', '🍩'], ['cookie', '🍪'],
	['cake', '🍰'], ['birthday', '🎂'], ['apple', '🍎'], ['avocado', '🥑'], ['popcorn', '🍿'], ['tada', '🎉'], ['confetti_ball', '🎊'],
	['balloon', '🎈'], ['gift', '🎁'], ['trophy', '🏆'], ['medal', '🏅'], ['1st_place_medal', '🥇'], ['dart', '🎯'], ['game_die', '🎲'],
	['rocket', '🚀'], ['airplane', '✈️'], ['car', '🚗'], ['ship', '🚢'], ['construction', '🚧'], ['rotating_light', '🚨'], ['bulb', '💡'],
	['computer', '💻'], ['keyboard', '⌨️'], ['desktop_computer', '🖥️'], ['floppy_disk', '💾'], ['cd', '💿'], ['iphone', '📱'], ['battery', '🔋'],
	['electric_plug', '🔌'], ['mag', '🔍'], ['lock', '🔒'], ['unlock', '🔓'], ['key', '🔑'], ['hammer', '🔨'], ['wrench', '🔧'], ['gear', '⚙️'],
	['link', '🔗'], ['paperclip', '📎'], ['pushpin', '📌'], ['memo', '📝'], ['pencil2', '✏️'], ['book', '📖'], ['books', '📚'], ['bookmark', '🔖'],
	['calendar', '📅'], ['chart_with_upwards_trend', '📈'], ['chart_with_downwards_trend', '📉'], ['bar_chart', '📊'], ['clipboard', '📋'],
	['package', '📦'], ['email', '📧'], ['inbox_tray', '📥'], ['outbox_tray', '📤'], ['bell', '🔔'], ['no_bell', '🔕'], ['mega', '📣'],
	['hourglass', '⌛'], ['stopwatch', '⏱️'], ['alarm_clock', '⏰'], ['bug', '🐛'], ['ant', '🐜'], ['snail', '🐌'], ['turtle', '🐢'],
	['snake', '🐍'], ['crab', '🦀'], ['whale', '🐳'], ['dog', '🐶'], ['cat', '🐱'], ['unicorn', '🦄'], ['penguin', '🐧'], ['owl', '🦉'],
	['seedling', '🌱'], ['evergreen_tree', '🌲'], ['cactus', '🌵'], ['four_leaf_clover', '🍀'], ['white_check_mark', '✅'], ['heavy_check_mark', '✔️'],
	['ballot_box_with_check', '☑️'], ['x', '❌'], ['negative_squared_cross_mark', '❎'], ['warning', '⚠️'], ['no_entry', '⛔'], ['stop_sign', '🛑'],
	['question', '❓'], ['exclamation', '❗'], ['bangbang', '‼️'], ['heavy_plus_sign', '➕'], ['heavy_minus_sign', '➖'], ['arrow_right', '➡️'],
	['arrow_left', '⬅️'], ['arrow_up', '⬆️'], ['arrow_down', '⬇️'], ['repeat', '🔁'], ['recycle', '♻️'], ['red_circle', '🔴'],
	['green_circle', '🟢'], ['yellow_circle', '🟡'], ['large_blue_circle', '🔵'], ['ok', '🆗'], ['new', '🆕'], ['free', '🆓'], ['cool', '🆒'],
	['soon', '🔜'], ['checkered_flag', '🏁'], ['triangular_flag_on_post', '🚩'], ['white_flag', '🏳️'], ['pirate_flag', '🏴‍☠️'],
];

const SHORTCODES: ReadonlySet<string> = new Set(EMOJI.map(([name]) => name));

/** One emoji grapheme: a pictograph (with its modifiers and joins), a flag, or a keycap. */
const PART = String.raw`[\p{Extended_Pictographic}\p{Emoji_Presentation}\p{Emoji_Modifier}\p{Emoji_Component}\uFE0F\u{E0020}-\u{E007F}]+`;
const EMOJI_GRAPHEME = new RegExp(String.raw`^(?:\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3|(?=.*(?:\p{Extended_Pictographic}|\p{Emoji_Presentation}))${PART}(?:\u200D${PART})*)$`, 'u');

/** Longest reaction accepted, in UTF-16 units (a family with skin tones fits). */
export const MAX_EMOJI_LENGTH = 64;

/**
 * Whether `emoji` is a reaction the server accepts: one Unicode emoji (a single grapheme
 * cluster) or a `:shortcode:` from EMOJI.
 */
export function isReactionEmoji(emoji: string): boolean {
	if (emoji.length === 0 || emoji.length > MAX_EMOJI_LENGTH) {
		return false;
	}
	const code = /^:([a-z0-9_+-]+):$/.exec(emoji);
	if (code) {
		return SHORTCODES.has(code[1]);
	}
	const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(emoji)];
	return graphemes.length === 1 && EMOJI_GRAPHEME.test(emoji);
}
