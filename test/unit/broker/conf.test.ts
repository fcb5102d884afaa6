/**
 * Tests for src/broker/conf.ts and conf_includedir.ts. The table of bad (and good-then-bad)
 * config files and the lines they print was taken from the real mosquitto 2.0.11
 * (`/usr/sbin/mosquitto -c t.conf`, stderr with the timestamps removed); every case must print
 * the same lines here. Each case loads a fresh copy of the module, as each broker run starts
 * afresh.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { mosquitto__config, mosquitto__listener } from '../../../src/broker/mosquitto_broker_internal.js';

vi.mock('../../../src/broker/mosquitto.js', () => ({
  listener__set_defaults: (listener: mosquitto__listener) => {
    listener.security_options.allow_anonymous = -1;
    listener.security_options.allow_zero_length_clientid = true;
    listener.protocol = 0;
    listener.max_connections = -1;
    listener.max_qos = 2;
    listener.max_topic_alias = 10;
  },
}));
vi.mock('../../../src/broker/database.js', () => ({
  db__messages_easy_queue: () => 0,
}));
vi.mock('../../../src/lib/util_mosq.js', () => ({
  mosquitto__hex2bin: (hex: string, bin: Buffer, max: number) => {
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length > max * 2) return 0;
    return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').copy(bin);
  },
}));

const NOW = 1700000000;

type conf_module = typeof import('../../../src/broker/conf.js');
type internal_module = typeof import('../../../src/broker/mosquitto_broker_internal.js');

let dir: string;
let stderr: string[];
let stdout: string[];

/** A fresh conf module and a fresh global db, as a new broker process has. */
async function fresh(): Promise<{ conf: conf_module; internal: internal_module }> {
  vi.resetModules();
  const internal = await import('../../../src/broker/mosquitto_broker_internal.js');
  internal.db__reset();
  internal.db.now_real_s = NOW;
  const conf = await import('../../../src/broker/conf.js');
  return { conf, internal };
}

/** Runs `mosquitto -c <file>` on `text` (latin1 = raw bytes); returns rc, config and stderr lines. */
async function run_conf(text: string, extra: string[] = []): Promise<{ rc: number; config: mosquitto__config; lines: string[] }> {
  const { conf } = await fresh();
  const file = join(dir, 't.conf');
  writeFileSync(file, Buffer.from(text.replaceAll('{DIR}', dir), 'latin1'));
  const config = conf.config__init();
  const rc = conf.config__parse_args(config, ['mosquitto', '-c', file, ...extra]);
  return { rc, config, lines: lines_of(stderr) };
}

/** The lines written, timestamps removed and the tmp dir replaced by {DIR}. */
function lines_of(chunks: string[]): string[] {
  return chunks.join('').split('\n').filter(Boolean)
    .map((l) => l.replace(`${NOW}: `, '').replaceAll(dir, '{DIR}'));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'conf-test-'));
  const files: Record<string, string> = {
    'inc/b.conf': 'allow_anonymous true\n',
    'inc/A.conf': 'listener 1885\n',
    'inc/a.conf': 'max_qos 1\n',
    'inc/skip.txt': 'garbage\n',
    'inc/x.conf.bak': 'garbage\n',
    'incbad/01.conf': 'max_keepalive 65535\n',
    'incbad/02.conf': '\nfoo\n',
    'incinc/x.conf': 'include_dir /nonexistent\n',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name.split('/')[0]), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  stderr = [];
  stdout = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(chunk.toString());
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(chunk.toString());
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/* Config file text -> the stderr lines of mosquitto 2.0.11 (exit code 3 in every case). */
const real_mosquitto: { name: string; text: string; stderr: string[] }[] = [
  { name: "unknown keyword", text: "foo bar\n",
    stderr: ["Error: Unknown configuration variable \"foo\".","Error found at {DIR}/t.conf:1."] },
  { name: "comment and blanks", text: "# c\n\n\r\n   \nallow_anonymous true\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:6."] },
  { name: "indented comment", text: "  # comment\n",
    stderr: ["Error: Unknown configuration variable \"#\".","Error found at {DIR}/t.conf:1."] },
  { name: "tab before keyword", text: "\tallow_anonymous true\n",
    stderr: ["Error: Unknown configuration variable \"\tallow_anonymous\".","Error found at {DIR}/t.conf:1."] },
  { name: "bool invalid", text: "allow_anonymous maybe\n",
    stderr: ["Error: Invalid allow_anonymous value (maybe).","Error found at {DIR}/t.conf:1."] },
  { name: "bool trailing tab", text: "allow_anonymous true\t\n",
    stderr: ["Error: Invalid allow_anonymous value (true\t).","Error found at {DIR}/t.conf:1."] },
  { name: "bool empty", text: "allow_anonymous\n",
    stderr: ["Error: Empty allow_anonymous value in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "bool empty trailing space", text: "allow_anonymous \n",
    stderr: ["Error: Empty allow_anonymous value in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "crlf line endings", text: "allow_anonymous true\r\nlistener 1883\r\nfoo\r\n",
    stderr: ["Error: Unknown configuration variable \"foo\".","Error found at {DIR}/t.conf:3."] },
  { name: "string empty", text: "password_file    \n",
    stderr: ["Error: Empty password_file value in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "string duplicate", text: "password_file /a\npassword_file /b\n",
    stderr: ["Error: Duplicate password_file value in configuration.","Error found at {DIR}/t.conf:2."] },
  { name: "string tab inside", text: "password_file /a\tb\n",
    stderr: ["Error: Malformed UTF-8 in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "string bad utf8", text: "password_file /aÿ\n",
    stderr: ["Error: Malformed UTF-8 in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "string trimmed ok", text: "password_file    /a b  \nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
  { name: "listener bad port", text: "listener 70000\n",
    stderr: ["Error: Invalid port value (70000).","Error found at {DIR}/t.conf:1."] },
  { name: "listener negative", text: "listener -1\n",
    stderr: ["Error: Invalid port value (-1).","Error found at {DIR}/t.conf:1."] },
  { name: "listener empty", text: "listener\n",
    stderr: ["Error: Empty listener value in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "listener port 0 no path", text: "listener 0\n",
    stderr: ["Error: A listener with port 0 must provide a Unix socket path.","Error found at {DIR}/t.conf:1."] },
  { name: "listener comment as host", text: "listener 0 #x\n",
    stderr: ["Error: A listener with port 0 must provide a Unix socket path.","Error found at {DIR}/t.conf:1."] },
  { name: "listener atoi junk", text: "listener 12abc\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
  { name: "port deprecated", text: "port 1885\nport 1886\nzzz\n",
    stderr: ["The 'port' option is now deprecated and will be removed in a future version. Please use 'listener' instead.","The 'port' option is now deprecated and will be removed in a future version. Please use 'listener' instead.","Warning: Default listener port specified multiple times. Only the latest will be used.","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:3."] },
  { name: "port bad", text: "port 0\n",
    stderr: ["The 'port' option is now deprecated and will be removed in a future version. Please use 'listener' instead.","Error: Invalid port value (0).","Error found at {DIR}/t.conf:1."] },
  { name: "bind_address bad", text: "bind_address nonexistent.invalid\n",
    stderr: ["The 'bind_address' option is now deprecated and will be removed in a future version. The behaviour will default to true.","Error: Error resolving bind_address: Name or service not known.","Error found at {DIR}/t.conf:1."] },
  { name: "mount_point without listener", text: "mount_point a/\n",
    stderr: ["Error: You must use create a listener before using the mount_point option in the configuration file.","Error found at {DIR}/t.conf:1."] },
  { name: "mount_point wildcard", text: "listener 1885\nmount_point a/#\n",
    stderr: ["Error: Invalid mount_point 'a/#'. Does it contain a wildcard character?","Error found at {DIR}/t.conf:2."] },
  { name: "max_qos bad", text: "listener 1885\nmax_qos 3\n",
    stderr: ["Error: max_qos must be between 0 and 2 inclusive.","Error found at {DIR}/t.conf:2."] },
  { name: "maximum_qos empty", text: "listener 1885\nmaximum_qos\n",
    stderr: ["Error: Empty maximum_qos value in configuration.","Error found at {DIR}/t.conf:2."] },
  { name: "max_inflight_messages big", text: "max_inflight_messages 70000\n",
    stderr: ["Error: max_inflight_messages must be <= 65535.","Error found at {DIR}/t.conf:1."] },
  { name: "max_keepalive low", text: "max_keepalive 5\n",
    stderr: ["Error: Invalid max_keepalive value (5).","Error found at {DIR}/t.conf:1."] },
  { name: "max_packet_size low", text: "max_packet_size 10\n",
    stderr: ["Error: Invalid max_packet_size value (10).","Error found at {DIR}/t.conf:1."] },
  { name: "message_size_limit -1", text: "message_size_limit -1\n",
    stderr: ["Note: It is recommended to replace `message_size_limit` with `max_packet_size`.","Error: Invalid message_size_limit value (4294967295).","Error found at {DIR}/t.conf:1."] },
  { name: "memory_limit negative", text: "memory_limit -5\n",
    stderr: ["Error: Invalid memory_limit value (-5).","Error found at {DIR}/t.conf:1."] },
  { name: "sys_interval bad", text: "sys_interval 70000\n",
    stderr: ["Error: Invalid sys_interval value (70000).","Error found at {DIR}/t.conf:1."] },
  { name: "log_dest bad", text: "log_dest nowhere\n",
    stderr: ["Error: Invalid log_dest value (nowhere).","Error found at {DIR}/t.conf:1."] },
  { name: "log_dest empty", text: "log_dest\n",
    stderr: ["Error: Empty log_dest value in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "log_dest file empty", text: "log_dest file\n",
    stderr: ["Error: Empty \"log_dest file\" value in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "log_dest file dup", text: "log_dest file /tmp/a.log\nlog_dest file /tmp/b.log\n",
    stderr: ["Error: Duplicate \"log_dest file\" value.","Error found at {DIR}/t.conf:2."] },
  { name: "log_type bad", text: "log_type loud\n",
    stderr: ["Error: Invalid log_type value (loud).","Error found at {DIR}/t.conf:1."] },
  { name: "log_type empty continues", text: "log_type\nzzz\n",
    stderr: ["Error: Empty log_type value in configuration.","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
  { name: "log_facility bad", text: "log_facility 9\n",
    stderr: ["Error: Invalid log_facility value (9).","Error found at {DIR}/t.conf:1."] },
  { name: "socket_domain bad", text: "listener 1885\nsocket_domain ipv5\n",
    stderr: ["Error: Invalid socket_domain value \"ipv5\" in configuration.","Error found at {DIR}/t.conf:2."] },
  { name: "protocol bad", text: "listener 1885\nprotocol http\n",
    stderr: ["Error: Invalid protocol value (http).","Error found at {DIR}/t.conf:2."] },
  { name: "protocol empty continues", text: "listener 1885\nprotocol\nzzz\n",
    stderr: ["Error: Empty protocol value in configuration.","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:3."] },
  { name: "persistent_client_expiration bad", text: "persistent_client_expiration 5x\n",
    stderr: ["Error: Invalid persistent_client_expiration duration in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "persistent_client_expiration zero", text: "persistent_client_expiration 0d\n",
    stderr: ["Error: Invalid persistent_client_expiration duration in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "persistent_client_expiration empty", text: "persistent_client_expiration\nzzz\n",
    stderr: ["Error: Empty persistent_client_expiration value in configuration.","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
  { name: "max_topic_alias bad", text: "listener 1885\nmax_topic_alias 70000\n",
    stderr: ["Error: Invalid max_topic_alias value in configuration.","Error found at {DIR}/t.conf:2."] },
  { name: "per_listener_settings late", text: "allow_anonymous true\nper_listener_settings true\n",
    stderr: ["Error: per_listener_settings must be set before any other security settings.","Error found at {DIR}/t.conf:2."] },
  { name: "auth_opt without plugin", text: "auth_opt_foo bar\n",
    stderr: ["Error: An auth_opt_ option exists in the config file without an auth_plugin.","Error found at {DIR}/t.conf:1."] },
  { name: "plugin_opt short key", text: "plugin /x.so\nplugin_opt_ab 1\n",
    stderr: ["Error: Invalid auth_opt_ config option.","Error found at {DIR}/t.conf:2."] },
  { name: "plugin_opt empty value", text: "plugin /x.so\nplugin_opt_abc\n",
    stderr: ["Error: Empty abc value in configuration.","Error found at {DIR}/t.conf:2."] },
  { name: "plugin_opt ok", text: "plugin /x.so\nplugin_opt_abc  some value \nauth_plugin_deny_special_chars false\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:4."] },
  { name: "deny special chars no plugin", text: "auth_plugin_deny_special_chars true\n",
    stderr: ["Error: An auth_plugin_deny_special_chars option exists in the config file without an auth_plugin.","Error found at {DIR}/t.conf:1."] },
  { name: "psk and cert", text: "listener 1885\npsk_hint foo\ncafile /x\n",
    stderr: ["Error: Cannot use both certificate and psk encryption in a single listener.","Error found at {DIR}/t.conf:3."] },
  { name: "bridge option without connection", text: "address 127.0.0.1\n",
    stderr: ["Error: Invalid bridge configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "notifications_local_only without connection", text: "notifications_local_only true\n",
    stderr: ["Error: Invalid bridge configuration","Error found at {DIR}/t.conf:1."] },
  { name: "connection empty", text: "connection\n",
    stderr: ["Error: Empty connection value in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "connection duplicate", text: "connection b\nconnection b\n",
    stderr: ["Error: Duplicate bridge name \"b\".","Error found at {DIR}/t.conf:2."] },
  { name: "bridge address bad port", text: "connection b\naddress a:0\n",
    stderr: ["Error: Invalid port value (0).","Error found at {DIR}/t.conf:2."] },
  { name: "bridge address empty", text: "connection b\naddress\n",
    stderr: ["Error: Empty address value in configuration.","Error found at {DIR}/t.conf:2."] },
  { name: "bridge address twice", text: "connection b\naddress 127.0.0.1\naddress 127.0.0.1\n",
    stderr: ["Error: Invalid bridge configuration.","Error found at {DIR}/t.conf:3."] },
  { name: "bridge no topics", text: "connection b\naddress 127.0.0.1:1884\n",
    stderr: ["Error: Invalid bridge configuration: no topics defined."] },
  { name: "bridge no address", text: "connection b\ntopic a\n",
    stderr: ["Error: Invalid bridge configuration: no remote addresses defined."] },
  { name: "bridge topic qos", text: "connection b\naddress 127.0.0.1:1884\ntopic # both 3\n",
    stderr: ["Error: Invalid bridge QoS level '3'.","Error found at {DIR}/t.conf:3."] },
  { name: "bridge topic direction", text: "connection b\naddress 127.0.0.1:1884\ntopic # sideways 1\n",
    stderr: ["Error: Invalid bridge topic direction 'sideways'.","Error found at {DIR}/t.conf:3."] },
  { name: "bridge remap", text: "connection b\naddress 127.0.0.1:1884\ntopic \"\" both 0 a/ \n",
    stderr: ["Error: Invalid bridge remapping.","Error found at {DIR}/t.conf:3."] },
  { name: "bridge prefix combination", text: "connection b\naddress 127.0.0.1:1884\ntopic # both 0 a b/\n",
    stderr: ["Error: Invalid bridge topic local prefix and pattern combination 'a#'.","Error: Out of memory.","Error found at {DIR}/t.conf:3."] },
  { name: "bridge remote prefix", text: "connection b\naddress 127.0.0.1:1884\ntopic a both 0 a/ b/#\n",
    stderr: ["Error: Invalid bridge topic remote prefix 'b/#'.","Error found at {DIR}/t.conf:3."] },
  { name: "bridge keepalive high", text: "connection b\nkeepalive_interval 70000\n",
    stderr: ["Error: Bridge keepalive value too high.","Error found at {DIR}/t.conf:2."] },
  { name: "bridge notices", text: "connection b\nkeepalive_interval 1\nidle_timeout 0\nthreshold 0\nrestart_timeout 0\nzzz\n",
    stderr: ["keepalive interval too low, using 5 seconds.","idle_timeout interval too low, using 1 second.","threshold too low, using 1 message.","restart_timeout interval too low, using 1 second.","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:6."] },
  { name: "bridge backoff", text: "connection b\nrestart_timeout 10 5\n",
    stderr: ["Error: backoff cap is lower than the base in restart_timeout.","Error found at {DIR}/t.conf:2."] },
  { name: "bridge start_type manual", text: "connection b\nstart_type manual\n",
    stderr: ["Error: Manual start_type not supported.","Error found at {DIR}/t.conf:2."] },
  { name: "bridge start_type bad", text: "connection b\nstart_type soon\n",
    stderr: ["Error: Invalid start_type value in configuration (soon).","Error found at {DIR}/t.conf:2."] },
  { name: "bridge protocol bad", text: "connection b\nbridge_protocol_version mqttv4\n",
    stderr: ["Error: Invalid bridge_protocol_version value (mqttv4).","Error found at {DIR}/t.conf:2."] },
  { name: "bridge insecure", text: "connection b\nbridge_insecure true\nzzz\n",
    stderr: ["Warning: Bridge b using insecure mode.","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:3."] },
  { name: "bridge psk and cert", text: "connection b\nbridge_identity id\nbridge_cafile /x\n",
    stderr: ["Error: Cannot use both certificate and psk encryption in a single bridge.","Error found at {DIR}/t.conf:3."] },
  { name: "bridge missing psk", text: "connection b\naddress 127.0.0.1\ntopic a\nbridge_identity id\n",
    stderr: ["Error: Invalid bridge configuration: missing bridge_psk."] },
  { name: "bridge duplicate local id", text: "connection b\naddress 127.0.0.1\ntopic a\nlocal_clientid x\nconnection c\naddress 127.0.0.1\ntopic a\nlocal_clientid x\n",
    stderr: ["Error: Bridge local_clientid 'x' is not unique. Try changing or setting the local_clientid value for one of the bridges."] },
  { name: "deprecated options", text: "allow_duplicate_messages true\nclientid_prefixes a\nretry_interval 5\nzzz\n",
    stderr: ["The 'allow_duplicate_messages' option is now deprecated and will be removed in a future version. The behaviour will default to true.","The 'clientid_prefixes' option is now deprecated and will be removed in a future version.","Warning: The retry_interval option is no longer available.","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:4."] },
  { name: "websockets headers size", text: "websockets_headers_size 70000\n",
    stderr: ["Error: Websockets headers size must be between 0 and 65535 inclusive.","Error found at {DIR}/t.conf:1."] },
  { name: "include_dir missing", text: "include_dir /nonexistent/dir\n",
    stderr: ["Error: Unable to open include_dir '/nonexistent/dir'.","Error found at {DIR}/t.conf:1."] },
  { name: "include_dir", text: "include_dir {DIR}/inc\nzzz\n",
    stderr: ["Loading config file {DIR}/inc/A.conf","Loading config file {DIR}/inc/a.conf","Loading config file {DIR}/inc/b.conf","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
  { name: "include_dir error", text: "include_dir {DIR}/incbad\n",
    stderr: ["Loading config file {DIR}/incbad/01.conf","Loading config file {DIR}/incbad/02.conf","Error: Unknown configuration variable \"foo\".","Error found at {DIR}/incbad/02.conf:2.","Error found at {DIR}/t.conf:1."] },
  { name: "utf8 value", text: "password_file /Ã©\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
  { name: "no final newline", text: "foo",
    stderr: ["Error: Unknown configuration variable \"foo\".","Error found at {DIR}/t.conf:1."] },
  { name: "long line", text: "password_file /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:3."] },
  { name: "nul in last unterminated line", text: "listener 0 {DIR}/guard.sock\nconnection b\u0000x\nfoo",
    stderr: ["Error: Invalid bridge configuration: no remote addresses defined."] },
  { name: "listener comment host", text: "listener 1885 #comment\nmount_point a/#\n",
    stderr: ["Error: Invalid mount_point 'a/#'. Does it contain a wildcard character?","Error found at {DIR}/t.conf:2."] },
  { name: "atoi junk value", text: "max_keepalive 10abc\nmax_inflight_messages -1\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:3."] },
  { name: "include_dir nested ignored", text: "include_dir {DIR}/incinc\nzzz\n",
    stderr: ["Loading config file {DIR}/incinc/x.conf","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
  { name: "bridge topic comments", text: "connection b\naddress 127.0.0.1\ntopic a out 0 # comment\ntopic b in 1 \"\" pre/ # c\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:5."] },
  { name: "log_dest file spaces", text: "log_dest file   /tmp/x y.log  \nlog_dest file /z\n",
    stderr: ["Error: Duplicate \"log_dest file\" value.","Error found at {DIR}/t.conf:2."] },
  { name: "bridge_protocol_version trailing space", text: "connection b\nbridge_protocol_version mqttv311 \n",
    stderr: ["Error: Invalid bridge_protocol_version value (mqttv311 ).","Error found at {DIR}/t.conf:2."] },
  { name: "user empty", text: "user\n",
    stderr: ["Error: Empty user value in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "listener twice", text: "listener 1885\nlistener 1885\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:3."] },
  { name: "log_type all none", text: "log_type all\nlog_type none\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:3."] },
  { name: "kpass sha1 bad", text: "tls_engine_kpass_sha1 zz\n",
    stderr: ["Error found at {DIR}/t.conf:1."] },
  { name: "kpass sha1 ok", text: "tls_engine_kpass_sha1 0123456789abcdef0123456789abcdef01234567\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
  { name: "persistent_client_expiration month", text: "persistent_client_expiration 1m\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
  { name: "sys_interval negative", text: "sys_interval -1\n",
    stderr: ["Error: Invalid sys_interval value (-1).","Error found at {DIR}/t.conf:1."] },
  { name: "websockets_log_level junk", text: "websockets_log_level abc\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
  { name: "check_retain_source then per_listener", text: "check_retain_source true\nper_listener_settings true\n",
    stderr: ["Error: per_listener_settings must be set before any other security settings.","Error found at {DIR}/t.conf:2."] },
  { name: "bind_interface", text: "bind_interface lo\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
  { name: "bridge ipv6 address", text: "connection b\naddress ::1\nzzz\n",
    stderr: ["Warning: Error resolving bridge address: Name or service not known.","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:3."] },
  { name: "bridge unresolvable address", text: "connection b\naddress localhost:1884 nonexistent.invalid\nzzz\n",
    stderr: ["Warning: Error resolving bridge address: Name or service not known.","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:3."] },
  { name: "unknown keyword utf8", text: "cafÃ© 1\n",
    stderr: ["Error: Unknown configuration variable \"café\".","Error found at {DIR}/t.conf:1."] },
  { name: "per_listener_settings first", text: "per_listener_settings true\nlistener 1885\nallow_anonymous true\nlistener 1886\npassword_file /p\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:6."] },
  { name: "mount_point ok", text: "listener 1885\nmount_point a/b/\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:3."] },
  { name: "max_connections empty", text: "listener 1885\nmax_connections\nzzz\n",
    stderr: ["Error: Empty max_connections value in configuration.","Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:3."] },
  { name: "auto_id_prefix", text: "auto_id_prefix  \n",
    stderr: ["Error: Empty auto_id_prefix value in configuration.","Error found at {DIR}/t.conf:1."] },
  { name: "clientid_prefixes duplicate", text: "clientid_prefixes a\nclientid_prefixes b\n",
    stderr: ["The 'clientid_prefixes' option is now deprecated and will be removed in a future version.","The 'clientid_prefixes' option is now deprecated and will be removed in a future version.","Error: Duplicate clientid_prefixes value in configuration.","Error found at {DIR}/t.conf:2."] },
  { name: "atoi wraps to 32 bits", text: "listener 99999999999\n",
    stderr: ["Error: Invalid port value (1215752191).","Error found at {DIR}/t.conf:1."] },
  { name: "atoi wraps to a valid port", text: "listener 4294968181\nzzz\n",
    stderr: ["Error: Unknown configuration variable \"zzz\".","Error found at {DIR}/t.conf:2."] },
];

describe('config files against the real mosquitto 2.0.11', () => {
  for (const c of real_mosquitto) {
    it(c.name, async () => {
      const { rc, lines } = await run_conf(c.text);
      expect(rc).toBe(3);
      expect(lines).toEqual(c.stderr);
    });
  }
});

describe('config__init', () => {
  it('holds the defaults of mosquitto 2.0.11', async () => {
    const { conf } = await fresh();
    const config = conf.config__init();
    expect(config).toMatchObject({
      allow_duplicate_messages: false,
      autosave_interval: 1800,
      autosave_on_changes: false,
      check_retain_source: false,
      clientid_prefixes: null,
      connection_messages: true,
      cmd_port_count: 0,
      daemon: false,
      listener_count: 0,
      local_only: true,
      log_dest: 0x08 | 0x20, /* stderr | dlt */
      log_facility: 3 << 3, /* LOG_DAEMON */
      log_type: 0x0f, /* error | warning | notice | information */
      log_timestamp: true,
      log_timestamp_format: null,
      log_file: null,
      log_fptr: null,
      max_inflight_bytes: 0,
      max_queued_bytes: 0,
      max_queued_messages: 1000,
      max_packet_size: 0,
      message_size_limit: 0,
      max_inflight_messages: 20,
      max_keepalive: 65535,
      persistence: false,
      persistence_location: null,
      persistence_file: null,
      persistent_client_expiration: 0,
      queue_qos0_messages: false,
      per_listener_settings: false,
      retain_available: true,
      set_tcp_nodelay: false,
      sys_interval: 10,
      upgrade_outgoing_qos: false,
      user: null,
      bridge_count: 0,
    });
    expect(config.security_options).toMatchObject({
      allow_anonymous: -1,
      allow_zero_length_clientid: true,
      auto_id_prefix: null,
      password_file: null,
      acl_file: null,
      psk_file: null,
      auth_plugin_configs: [],
    });
    expect(config.default_listener).toMatchObject({
      port: 0,
      host: null,
      max_connections: -1,
      max_qos: 2,
      max_topic_alias: 10,
      protocol: 0,
      socket_domain: 0,
    });
  });

  it('config__parse_args without arguments adds the user and the auto- prefix only', async () => {
    const { conf } = await fresh();
    const config = conf.config__init();
    expect(conf.config__parse_args(config, ['mosquitto'])).toBe(0);
    expect(config.user).toBe('mosquitto');
    expect(config.security_options.auto_id_prefix).toBe('auto-');
    expect(config.security_options.auto_id_prefix_len).toBe(5);
    expect(config.listener_count).toBe(0);
    expect(config.security_options.allow_anonymous).toBe(-1);
    expect(stderr).toEqual([]);
  });
});

describe('config__parse_args', () => {
  const usage = [
    'mosquitto version 2.0.11',
    '',
    'mosquitto is an MQTT v5.0/v3.1.1/v3.1 broker.',
    '',
    'Usage: mosquitto [-c config_file] [-d] [-h] [-p port]',
    '',
    ' -c : specify the broker config file.',
    ' -d : put the broker into the background after starting.',
    ' -h : display this help.',
    ' -p : start the broker listening on the specified port.',
    '      Not recommended in conjunction with the -c option.',
    ' -v : verbose mode - enable all logging types. This overrides',
    '      any logging options given in the config file.',
    '',
    'See https://mosquitto.org/ for more information.',
    '',
    '',
  ].join('\n');

  async function args(...argv: string[]): Promise<{ rc: number; config: mosquitto__config; internal: internal_module }> {
    const { conf, internal } = await fresh();
    const config = conf.config__init();
    const rc = conf.config__parse_args(config, ['mosquitto', ...argv]);
    return { rc, config, internal };
  }

  it('-h and --help print the usage on stdout and stop (rc 3)', async () => {
    for (const opt of ['-h', '--help']) {
      stdout = [];
      const { rc } = await args(opt);
      expect(rc).toBe(3);
      expect(stdout.join('')).toBe(usage);
    }
    expect(stderr).toEqual([]);
  });

  it('an unknown option is named on stderr, without timestamp, before the usage', async () => {
    const { rc } = await args('--bogus');
    expect(rc).toBe(3);
    expect(stderr.join('')).toBe("Error: Unknown option '--bogus'.\n");
    expect(stdout.join('')).toBe(usage);
  });

  it('-p and --port collect up to ten ports', async () => {
    const { rc, config } = await args('-p', '1884', '--port', '1885');
    expect(rc).toBe(0);
    expect(config.cmd_port.slice(0, config.cmd_port_count)).toEqual([1884, 1885]);
    expect(config.listener_count).toBe(0);

    const many = Array.from({ length: 11 }, (_, i) => ['-p', String(2000 + i)]).flat();
    expect((await args(...many)).rc).toBe(3);
    expect(lines_of(stderr)).toEqual(['Error: Only 10 ports can be specified on the command line.']);
  });

  it('-p checks its value as mosquitto does', async () => {
    expect((await args('-p', '70000')).rc).toBe(3);
    expect((await args('-p', 'abc')).rc).toBe(3);
    expect((await args('-p')).rc).toBe(3);
    expect(lines_of(stderr)).toEqual([
      'Error: Invalid port specified (70000).',
      'Error: Invalid port specified (0).',
      'Error: -p argument given, but no port specified.',
    ]);
  });

  it('-d sets daemon, -v enables every log type', async () => {
    const { rc, config, internal } = await args('-d', '-v');
    expect(rc).toBe(0);
    expect(config.daemon).toBe(true);
    expect(internal.db.verbose).toBe(true);
    expect(config.log_type).toBe(0xffffffff);
  });

  it('-v overrides log_type from the config file', async () => {
    const { rc, config } = await run_conf('log_type error\n', ['-v']);
    expect(rc).toBe(0);
    expect(config.log_type).toBe(0xffffffff);
  });

  it('-c without a file, with a missing file, with a directory', async () => {
    expect((await args('-c')).rc).toBe(3);
    expect((await args('-c', join(dir, 'missing.conf'))).rc).toBe(3);
    expect((await args('-c', dir)).rc).toBe(3);
    expect(lines_of(stderr)).toEqual([
      'Error: -c argument given, but no config file specified.',
      'Error: Unable to open config file {DIR}/missing.conf.',
      'Error: Config file {DIR} is a directory.',
    ]);
  });

  it('listener options outside a listener block make the default listener', async () => {
    const { rc, config } = await run_conf('port 1884\nmax_connections 10\nuse_username_as_clientid true\npassword_file /pw\n');
    expect(rc).toBe(0);
    expect(config.listener_count).toBe(1);
    expect(config.listeners[0]).toMatchObject({
      port: 1884,
      host: null,
      max_connections: 10,
      max_qos: 2,
      max_topic_alias: 10,
      use_username_as_clientid: true,
    });
    /* Without per_listener_settings the password file is global. */
    expect(config.security_options.password_file).toBe('/pw');
    expect(config.local_only).toBe(false);
    expect(config.security_options.allow_anonymous).toBe(0);
  });

  it('bind_address alone makes a listener on port 1883', async () => {
    const { rc, config } = await run_conf('bind_address 127.0.0.1\n');
    expect(rc).toBe(0);
    expect(config.listeners.map((l) => [l.port, l.host])).toEqual([[1883, '127.0.0.1']]);
  });
});

describe('config__read', () => {
  it('stores every kind of option', async () => {
    const { rc, config } = await run_conf([
      'per_listener_settings true',
      'listener 1885 127.0.0.1',
      'protocol websockets',
      'socket_domain ipv4',
      'max_qos 1',
      'max_topic_alias 5',
      'mount_point pre/',
      'allow_anonymous true',
      'password_file  /etc/pw  ',
      'acl_file /etc/acl',
      'auto_id_prefix id-',
      'plugin /lib/plugin.so',
      'plugin_opt_level high five',
      'auth_opt_xyz \t value',
      'auth_plugin_deny_special_chars false',
      'listener 0 /tmp/mqtt.sock',
      'allow_zero_length_clientid false',
      'cafile /ca.pem',
      'certfile /cert.pem',
      'keyfile /key.pem',
      'tls_version tlsv1.2',
      'require_certificate true',
      'tls_keyform engine',
      'log_dest stdout',
      'log_dest file /var/log/m.log',
      'log_type warning',
      'log_type subscribe',
      'log_timestamp false',
      'log_timestamp_format %Y-%m-%dT%H:%M:%S',
      'log_facility 3',
      'persistence true',
      'persistence_location /var/lib/m',
      'persistent_client_expiration 2w',
      'autosave_interval -5',
      'max_inflight_messages 65535',
      'max_queued_messages 50',
      'max_queued_bytes -1',
      'max_packet_size 1000',
      'message_size_limit 100',
      'sys_interval 0',
      'user nobody',
      'pid_file /run/m.pid',
      'websockets_headers_size 4096',
      'connection_messages false',
      'retain_available false',
      'memory_limit 1000000',
      '',
    ].join('\n'));
    expect(lines_of(stderr)).toEqual(['Note: It is recommended to replace `message_size_limit` with `max_packet_size`.']);
    expect(rc).toBe(0);
    expect(config.listener_count).toBe(2);
    const [l1, l2] = config.listeners;
    expect(l1).toMatchObject({ port: 1885, host: '127.0.0.1', protocol: 2, socket_domain: 4, max_qos: 1, max_topic_alias: 5, mount_point: 'pre/' });
    expect(l1.security_options).toMatchObject({
      allow_anonymous: 1, password_file: '/etc/pw', acl_file: '/etc/acl', auto_id_prefix: 'id-', auto_id_prefix_len: 3,
    });
    expect(l1.security_options.auth_plugin_configs).toHaveLength(1);
    expect(l1.security_options.auth_plugin_configs[0]).toMatchObject({
      path: '/lib/plugin.so',
      options: [{ key: 'level', value: 'high five' }, { key: 'xyz', value: 'value' }],
      option_count: 2,
      deny_special_chars: false,
    });
    expect(l2).toMatchObject({
      port: 0, host: null, unix_socket_path: '/tmp/mqtt.sock', cafile: '/ca.pem', certfile: '/cert.pem', keyfile: '/key.pem',
      tls_version: 'tlsv1.2', require_certificate: true, tls_keyform: 1,
    });
    /* allow_anonymous left unset on a listener means false once per_listener_settings is on. */
    expect(l2.security_options).toMatchObject({ allow_anonymous: 0, allow_zero_length_clientid: false, auto_id_prefix: 'auto-' });
    expect(config).toMatchObject({
      log_dest: 0x04 | 0x02,
      log_file: '/var/log/m.log',
      log_type: 0x04 | 0x20,
      log_timestamp: false,
      log_timestamp_format: '%Y-%m-%dT%H:%M:%S',
      log_facility: 19 << 3,
      persistence: true,
      persistence_filepath: '/var/lib/m/mosquitto.db',
      persistent_client_expiration: 14 * 86400,
      autosave_interval: 0,
      max_inflight_messages: 0,
      max_queued_messages: 50,
      max_queued_bytes: 0,
      max_packet_size: 1000,
      message_size_limit: 100,
      sys_interval: 0,
      user: 'nobody',
      pid_file: '/run/m.pid',
      websockets_headers_size: 4096,
      connection_messages: false,
      retain_available: false,
    });
  });

  it('stores bridges, with client ids made from the host name', async () => {
    const { rc, config } = await run_conf([
      'connection east',
      'address 127.0.0.1:1884 localhost # comment',
      'topic sensors/# out 1 local/ remote/',
      'topic "" in 2 a/b c/d',
      'topic cmd/# BOTH',
      'bridge_protocol_version mqttv50',
      'remote_username user',
      'cleansession true',
      'local_cleansession false',
      'restart_timeout 2 60',
      'start_type lazy',
      'try_private false',
      'notifications false',
      'bridge_max_packet_size -3',
      '',
    ].join('\n'));
    expect(lines_of(stderr)).toEqual([]);
    expect(rc).toBe(0);
    expect(config.bridge_count).toBe(1);
    const b = config.bridges[0];
    expect(b).toMatchObject({
      name: 'east',
      address_count: 2,
      addresses: [{ address: '127.0.0.1', port: 1884 }, { address: 'localhost', port: 1883 }],
      protocol_version: 5,
      remote_username: 'user',
      clean_start: true,
      clean_start_local: 0,
      restart_timeout: 2,
      backoff_base: 2,
      backoff_cap: 60,
      start_type: 1,
      try_private: false,
      notifications: false,
      keepalive: 60,
      idle_timeout: 60,
      threshold: 10,
      attempt_unsubscribe: true,
      outgoing_retain: true,
      maximum_packet_size: 0,
      topic_count: 3,
      topic_remapping: true,
      remote_clientid: `${hostname()}.east`,
      local_clientid: `local.${hostname()}.east`,
    });
    expect(b.topics).toEqual([
      { topic: 'sensors/#', direction: 0, qos: 1, local_prefix: 'local/', remote_prefix: 'remote/', local_topic: 'local/sensors/#', remote_topic: 'remote/sensors/#' },
      { topic: null, direction: 1, qos: 2, local_prefix: 'a/b', remote_prefix: 'c/d', local_topic: 'a/b', remote_topic: 'c/d' },
      { topic: 'cmd/#', direction: 2, qos: 0, local_prefix: null, remote_prefix: null, local_topic: 'cmd/#', remote_topic: 'cmd/#' },
    ]);
  });

  it('reads include_dir files in mosquitto order (case-insensitive, upper case first)', async () => {
    await fresh();
    const { config__get_dir_files } = await import('../../../src/broker/conf_includedir.js');
    mkdirSync(join(dir, 'order'));
    for (const name of ['b.conf', 'B.conf', 'a.conf', 'A.conf', '_.conf', 'Z.conf', '.conf', 'c.CONF', 'é.conf']) {
      writeFileSync(join(dir, 'order', name), '');
    }
    const { rc, files } = config__get_dir_files(join(dir, 'order'));
    expect(rc).toBe(0);
    /* The order the real mosquitto loads these files in. */
    expect(files.map((f) => f.slice(dir.length + 7))).toEqual(
      ['A.conf', 'a.conf', 'B.conf', 'b.conf', 'Z.conf', '_.conf', 'é.conf']);
  });

  it('include_dir settings land in the main config; each file starts at the default listener', async () => {
    const { rc, config } = await run_conf('include_dir {DIR}/inc\n');
    expect(rc).toBe(0);
    /* a.conf's max_qos is not in A.conf's listener block: it makes the default listener. */
    expect(config.listeners.map((l) => [l.port, l.max_qos])).toEqual([[1885, 2], [1883, 1]]);
    expect(config.security_options.allow_anonymous).toBe(1);
  });

  it('reload re-reads the reloadable options and keeps the listeners', async () => {
    const { rc, config } = await run_conf('listener 1885\nallow_anonymous true\nsys_interval 7\nmax_queued_messages 7\nlog_type error\n');
    expect(rc).toBe(0);
    expect(config.security_options.allow_anonymous).toBe(1);
    const { conf, internal } = await fresh();
    internal.db.config_file = join(dir, 't.conf');
    writeFileSync(join(dir, 't.conf'), 'listener 1885\nmax_connections 3\nsys_interval 9\nmax_queued_messages 9\n');
    expect(conf.config__read(config, true)).toBe(0);
    expect(config.security_options.allow_anonymous).toBe(0);
    expect(config.sys_interval).toBe(9);
    /* mosquitto's config__copy leaves max_queued_messages out: it keeps its start-up value. */
    expect(config.max_queued_messages).toBe(7);
    expect(config.log_type).toBe(0x0f);
    /* Listener options are not reloaded. */
    expect(config.listeners[0].max_connections).toBe(-1);

    writeFileSync(join(dir, 't.conf'), 'listener 1885\nlistener 1886\n');
    expect(conf.config__read(config, true)).toBe(3);
    expect(lines_of(stderr)).toEqual([
      'Error: It is not currently possible to add/remove listeners when reloading the config file.',
      'Error found at {DIR}/t.conf:2.',
    ]);
  });

  it('a NUL byte hides its line and the rest of the file (fgets_extending reads on to the end)', async () => {
    const { rc, config } = await run_conf('listener 1885\nmax_qos\0 1\nfoo\nbar\n');
    expect(rc).toBe(0);
    expect(lines_of(stderr)).toEqual([]);
    expect(config.listeners.map((l) => [l.port, l.max_qos])).toEqual([[1885, 2]]);
  });

  it('keeps IPv6-looking bridge addresses as mosquitto does: the last colon starts the port', async () => {
    const { config } = await run_conf('connection b\naddress ::1\ntopic a\n');
    expect(config.bridges[0].addresses).toEqual([{ address: ':', port: 1 }]);
  });
});
