/**
 * The mosquitto_passwd tool (apps/mosquitto_passwd/mosquitto_passwd.c): creates a password file,
 * adds, changes or deletes a user's entry, or hashes every password of a plain text file.
 *
 * Each entry is one line, `username:$7$iterations$salt$hash` (PBKDF2, the default) or
 * `username:$6$salt$hash` (`-H sha512`). Edits never rewrite the file in place line by line:
 * the file is first copied to `<file>.tmp` as a backup, the new contents are built in an
 * anonymous temporary file under /tmp, then copied back over the original, and the backup is
 * removed once that worked.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import {
  PW_DEFAULT_ITERATIONS,
  base64__encode,
  mosquitto_pw__new,
  pw__hash,
  pw_sha512,
  pw_sha512_pbkdf2,
  type mosquitto_pwhash_type,
} from '../../broker/password_mosq.js';
import { fgets_extending, misc__trimblanks, strerror, type FILE } from '../../lib/misc_mosq.js';
import { get_password, get_password__reset_term } from './get_password.js';

const MAX_BUFFER_LEN = 65500;

/** struct cb_helper: what a per-line callback needs to know, and whether it met its user. */
interface cb_helper {
  line: string | null;
  username: string | null;
  password: string | null;
  iterations: number;
  found: boolean;
}

/** A per-line callback of pwfile_iterate: gets the parsed line and writes to `ftmp`. */
type pwfile_cb = (fptr: FILE, ftmp: FILE, username: string, password: string, line: string, helper: cb_helper | null) => number;

/** Hash type for new entries; `-H` changes it. */
let hashtype: mosquitto_pwhash_type = pw_sha512_pbkdf2;

const alphanum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * Opens a file with a C fopen() mode, keeping the error for the message that reports it.
 * @tsonly libc fopen() plus errno: Node throws where C returns NULL and sets errno.
 */
function fopen(path: string, mode: string): { fptr: FILE | null; err: unknown } {
  try{
    return { fptr: { fd: openSync(path, mode.replace(/[tb]/g, '')), pos: 0, eof: false }, err: null };
  }catch(err){
    return { fptr: null, err };
  }
}

/**
 * Writes `str` at the stream's position and moves the position past it.
 * @tsonly libc fputs()/fprintf(): Node writes to a descriptor at an explicit offset.
 */
function fputs(str: string, stream: FILE): void {
  stream.pos += writeSync(stream.fd, str, stream.pos);
}

/**
 * Removes a file, ignoring failure as the C code ignores unlink()'s result.
 * @tsonly libc unlink(): Node's unlinkSync throws where C returns -1.
 */
function unlink(path: string): void {
  try{
    unlinkSync(path);
  }catch{
    /* nothing to do: the C callers do not check either */
  }
}

/**
 * Creates a private, already unlinked scratch file under /tmp, named from random letters and
 * digits, open for reading and writing.
 * @adapted mkstemp() becomes an exclusive create with mode 0600 (what its umask(077) gives);
 * errno is returned as `err` next to the file.
 */
function mpw_tmpfile(): { ftmp: FILE | null; err: unknown } {
  const rnd = randomBytes(36);
  let prefix = '/tmp/';

  for(let i = prefix.length; i < rnd.length - 8; i++){
    prefix += alphanum[rnd[i] % alphanum.length];
  }
  prefix += '-';

  for(let attempt = 0; ; attempt++){
    const tmpfile_path = prefix + Array.from(randomBytes(6), (b) => alphanum[b % alphanum.length]).join('');
    let fd: number;
    try{
      fd = openSync(tmpfile_path, 'wx+', 0o600);
    }catch(err){
      if((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 100){
        continue;
      }
      return { ftmp: null, err };
    }
    unlink(tmpfile_path);
    return { ftmp: { fd, pos: 0, eof: false }, err: null };
  }
}

/** Prints the command line summary to stdout. */
function print_usage(): void {
  process.stdout.write(
    'mosquitto_passwd is a tool for managing password files for mosquitto.\n\n'
    + 'Usage: mosquitto_passwd [-H sha512 | -H sha512-pbkdf2] [-c | -D] passwordfile username\n'
    + '       mosquitto_passwd [-H sha512 | -H sha512-pbkdf2] [-c] -b passwordfile username password\n'
    + '       mosquitto_passwd -U passwordfile\n'
    + ' -b : run in batch mode to allow passing passwords on the command line.\n'
    + ' -c : create a new password file. This will overwrite existing files.\n'
    + ' -D : delete the username rather than adding/updating its password.\n'
    + ' -H : specify the hashing algorithm. Defaults to sha512-pbkdf2, which is recommended.\n'
    + '      Mosquitto 1.6 and earlier defaulted to sha512.\n'
    + ' -U : update a plain text password file to use hashed passwords.\n'
    + '\nSee https://mosquitto.org/ for more information.\n\n',
  );
}

/**
 * Hashes `password` with a fresh salt and writes the user's whole entry line to `fptr`.
 * Returns 0, or 1 after printing what failed.
 */
function output_new_password(fptr: FILE, username: string, password: string | null, iterations: number): number {
  if(password === null){
    process.stderr.write('Error: Internal error, no password given.\n');
    return 1;
  }
  const pw = mosquitto_pw__new(hashtype);

  if(pw__hash(password, pw, true, iterations)){
    process.stderr.write('Error: Unable to hash password.\n');
    return 1;
  }

  const salt64 = base64__encode(pw.salt, pw.salt.length);
  if(salt64.rc){
    process.stderr.write('Error: Unable to encode salt.\n');
    return 1;
  }

  const hash64 = base64__encode(pw.password_hash, pw.password_hash.length);
  if(hash64.rc){
    process.stderr.write('Error: Unable to encode hash.\n');
    return 1;
  }

  if(pw.hashtype === pw_sha512_pbkdf2){
    fputs(`${username}:$${hashtype}$${iterations}$${salt64.encoded}$${hash64.encoded}\n`, fptr);
  }else{
    fputs(`${username}:$${hashtype}$${salt64.encoded}$${hash64.encoded}\n`, fptr);
  }

  return 0;
}

/**
 * Runs `cb` on every line of the password file, split at the first `:` into a trimmed username
 * and password. Stops at the first line without both (reporting it as corrupt) or the first
 * callback that returns non-zero. An empty file gives 1.
 * @adapted strtok() on a copy of the line becomes a split on ':' that drops empty pieces; the
 * growing line buffer lives inside fgets_extending.
 */
function pwfile_iterate(fptr: FILE, ftmp: FILE, cb: pwfile_cb, helper: cb_helper | null): number {
  let rc = 1;
  let line = 0;
  let buf: string | null;

  while(!fptr.eof && (buf = fgets_extending(fptr)) !== null){
    const lbuf = buf;
    line++;
    const tokens = buf.split(':').filter((t) => t.length > 0);
    let username = tokens[0] ?? null;
    let password = tokens[1] ?? null;
    if(username === null || password === null){
      process.stderr.write(`Error: Corrupt password file at line ${line}.\n`);
      return 1;
    }
    username = misc__trimblanks(username) ?? '';
    password = misc__trimblanks(password) ?? '';

    if(username.length === 0 || password.length === 0){
      process.stderr.write(`Error: Corrupt password file at line ${line}.\n`);
      return 1;
    }

    rc = cb(fptr, ftmp, username, password, lbuf, helper);
    if(rc){
      break;
    }
  }

  return rc;
}

/** Copies every line except the one of the user being deleted, noting when that user was seen. */
function delete_pwuser_cb(_fptr: FILE, ftmp: FILE, username: string, _password: string, line: string, helper: cb_helper | null): number {
  if(username !== helper!.username){
    fputs(line, ftmp);
  }else{
    helper!.found = true;
  }
  return 0;
}

/** Writes the file without `username`'s entry to `ftmp`; warns and gives 1 if there was none. */
function delete_pwuser(fptr: FILE, ftmp: FILE, username: string): number {
  const helper: cb_helper = { line: null, username, password: null, iterations: 0, found: false };
  const rc = pwfile_iterate(fptr, ftmp, delete_pwuser_cb, helper);

  if(helper.found === false){
    process.stderr.write(`Warning: User ${username} not found in password file.\n`);
    return 1;
  }
  return rc;
}

/** Replaces a plain text entry with a hashed one (so an already hashed entry is hashed again). */
function update_file_cb(_fptr: FILE, ftmp: FILE, username: string, password: string, _line: string, helper: cb_helper | null): number {
  if(helper){
    return output_new_password(ftmp, username, password, helper.iterations);
  }else{
    return output_new_password(ftmp, username, password, PW_DEFAULT_ITERATIONS);
  }
}

/** Writes a hashed copy of a whole plain text password file to `ftmp`. */
function update_file(fptr: FILE, ftmp: FILE): number {
  return pwfile_iterate(fptr, ftmp, update_file_cb, null);
}

/** Copies other users' lines unchanged and writes a new entry in place of the matching user's. */
function update_pwuser_cb(_fptr: FILE, ftmp: FILE, username: string, _password: string, line: string, helper: cb_helper | null): number {
  let rc = 0;

  if(username !== helper!.username){
    fputs(line, ftmp);
  }else{
    helper!.found = true;
    rc = output_new_password(ftmp, username, helper!.password, helper!.iterations);
  }
  return rc;
}

/** Writes the file with `username`'s password set to `ftmp`, appending the user if new. */
function update_pwuser(fptr: FILE, ftmp: FILE, username: string, password: string | null, iterations: number): number {
  const helper: cb_helper = { line: null, username, password, iterations, found: false };
  const rc = pwfile_iterate(fptr, ftmp, update_pwuser_cb, helper);

  if(helper.found){
    return rc;
  }else{
    return output_new_password(ftmp, username, password, iterations);
  }
}

/**
 * Replaces the whole contents of `dest` with those of `src`, both from the start.
 * Returns 0, or 1 if truncating, reading or writing failed.
 * @adapted rewind/ftruncate/fread/fwrite become positional fs calls on the two descriptors.
 */
function copy_contents(src: FILE, dest: FILE): number {
  const buf = Buffer.alloc(MAX_BUFFER_LEN);
  let len: number;

  src.pos = 0;
  src.eof = false;
  dest.pos = 0;
  dest.eof = false;

  try{
    ftruncateSync(dest.fd, 0);
  }catch{
    return 1;
  }

  while(!src.eof){
    try{
      len = readSync(src.fd, buf, 0, MAX_BUFFER_LEN, src.pos);
    }catch{
      return 1;
    }
    src.pos += len;
    if(len < MAX_BUFFER_LEN){
      src.eof = true;
    }
    if(len > 0){
      try{
        if(writeSync(dest.fd, buf, 0, len, dest.pos) !== len){
          return 1;
        }
      }catch{
        return 1;
      }
      dest.pos += len;
    }else{
      return src.eof ? 0 : 1;
    }
  }
  return 0;
}

/** Copies the password file to `backup_file` before anything is changed, then rewinds it. */
function create_backup(backup_file: string, fptr: FILE): number {
  const { fptr: fbackup } = fopen(backup_file, 'wt');
  if(!fbackup){
    process.stderr.write(`Error creating backup password file "${backup_file}", not continuing.\n`);
    return 1;
  }
  if(copy_contents(fptr, fbackup)){
    process.stderr.write(`Error copying data to backup password file "${backup_file}", not continuing.\n`);
    closeSync(fbackup.fd);
    return 1;
  }
  closeSync(fbackup.fd);
  fptr.pos = 0;
  fptr.eof = false;
  return 0;
}

/**
 * On SIGINT or SIGTERM: give the terminal its echo back and leave with status 0.
 * @adapted a process.on listener instead of signal(); exit() is process.exit().
 */
function handle_sigint(): void {
  get_password__reset_term();

  process.exit(0);
}

/**
 * Checks a username can go in the file: under 65536 bytes, no control characters, no ':'.
 * Prints why not and returns false. A null username (the -U case) is fine.
 */
function is_username_valid(username: string | null): boolean {
  if(username !== null){
    const slen = Buffer.byteLength(username, 'utf8');
    if(slen > 65535){
      process.stderr.write('Error: Username must be less than 65536 characters long.\n');
      return false;
    }
    for(let i = 0; i < username.length; i++){
      const c = username.charCodeAt(i);
      if(c < 0x20 || c === 0x7f){
        process.stderr.write('Error: Username must not contain control characters.\n');
        return false;
      }
    }
    if(username.includes(':')){
      process.stderr.write("Error: Username must not contain the ':' character.\n");
      return false;
    }
  }
  return true;
}

/**
 * Parses the options, then creates the file (-c), or edits it through backup and temporary file:
 * delete (-D), hash a plain text file (-U), or set one user's password. Resolves to the exit
 * status: 0, 1 for errors, 2 when interactively typed passwords differ.
 * @adapted `argv` is C's argv (argv[0] the program); async because reading the password is;
 * stdout/stderr are written through process.stdout/stderr, which are synchronous for files,
 * pipes and terminals on POSIX.
 */
export async function main(argv: string[]): Promise<number> {
  const argc = argv.length;
  let password_file_tmp: string;
  let password_file: string;
  let username: string | null = null;
  let password_cmd: string | null = null;
  let batch_mode = false;
  let create_new = false;
  let delete_user = false;
  let rc: number;
  let do_update_file = false;
  let backup_file: string;
  let idx: number;
  let iterations = PW_DEFAULT_ITERATIONS;

  process.on('SIGINT', handle_sigint);
  process.on('SIGTERM', handle_sigint);

  if(argc === 1){
    print_usage();
    return 1;
  }

  for(idx = 1; idx < argc; idx++){
    if(argv[idx] === '-H'){
      if(idx + 1 === argc){
        process.stderr.write('Error: -H argument given but not enough other arguments.\n');
        return 1;
      }
      if(argv[idx + 1] === 'sha512'){
        hashtype = pw_sha512;
      }else if(argv[idx + 1] === 'sha512-pbkdf2'){
        hashtype = pw_sha512_pbkdf2;
      }else{
        process.stderr.write(`Error: Unknown hash type '${argv[idx + 1]}'\n`);
        return 1;
      }
      idx++;
    }else if(argv[idx] === '-b'){
      batch_mode = true;
    }else if(argv[idx] === '-c'){
      create_new = true;
    }else if(argv[idx] === '-D'){
      delete_user = true;
    }else if(argv[idx] === '-I'){
      if(idx + 1 === argc){
        process.stderr.write('Error: -I argument given but not enough other arguments.\n');
        return 1;
      }
      iterations = Number.parseInt(argv[idx + 1], 10) | 0;
      idx++;
      if(iterations < 1){
        process.stderr.write('Error: Number of iterations must be > 0.\n');
        return 1;
      }
    }else if(argv[idx] === '-U'){
      do_update_file = true;
    }else{
      break;
    }
  }

  if(create_new && delete_user){
    process.stderr.write('Error: -c and -D cannot be used together.\n');
    return 1;
  }
  if(create_new && do_update_file){
    process.stderr.write('Error: -c and -U cannot be used together.\n');
    return 1;
  }
  if(delete_user && do_update_file){
    process.stderr.write('Error: -D and -U cannot be used together.\n');
    return 1;
  }
  if(delete_user && batch_mode){
    process.stderr.write('Error: -b and -D cannot be used together.\n');
    return 1;
  }

  if(create_new){
    if(batch_mode){
      if(idx + 2 >= argc){
        process.stderr.write('Error: -c argument given but password file, username, or password missing.\n');
        return 1;
      }else{
        password_file_tmp = argv[idx];
        username = argv[idx + 1];
        password_cmd = argv[idx + 2];
      }
    }else{
      if(idx + 1 >= argc){
        process.stderr.write('Error: -c argument given but password file or username missing.\n');
        return 1;
      }else{
        password_file_tmp = argv[idx];
        username = argv[idx + 1];
      }
    }
  }else if(delete_user){
    if(idx + 1 >= argc){
      process.stderr.write('Error: -D argument given but password file or username missing.\n');
      return 1;
    }else{
      password_file_tmp = argv[idx];
      username = argv[idx + 1];
    }
  }else if(do_update_file){
    if(idx + 1 !== argc){
      process.stderr.write('Error: -U argument given but password file missing.\n');
      return 1;
    }else{
      password_file_tmp = argv[idx];
    }
  }else if(batch_mode === true && idx + 3 === argc){
    password_file_tmp = argv[idx];
    username = argv[idx + 1];
    password_cmd = argv[idx + 2];
  }else if(batch_mode === false && idx + 2 === argc){
    password_file_tmp = argv[idx];
    username = argv[idx + 1];
  }else{
    print_usage();
    return 1;
  }

  if(!is_username_valid(username)){
    return 1;
  }
  if(password_cmd !== null && Buffer.byteLength(password_cmd, 'utf8') > 65535){
    process.stderr.write('Error: Password must be less than 65536 characters long.\n');
    return 1;
  }

  try{
    password_file = realpathSync.native(password_file_tmp);
  }catch(err){
    if((err as NodeJS.ErrnoException).code === 'ENOENT'){
      password_file = password_file_tmp;
    }else{
      process.stderr.write(`Error reading password file: ${strerror(err)}\n`);
      return 1;
    }
  }

  if(create_new){
    if(batch_mode === false){
      const got = await get_password('Password: ', 'Reenter password: ', false, MAX_BUFFER_LEN);
      if(got.rc){
        return got.rc;
      }
      password_cmd = got.password;
    }
    const { fptr, err } = fopen(password_file, 'wt');
    if(!fptr){
      process.stderr.write(`Error: Unable to open file ${password_file} for writing. ${strerror(err)}.\n`);
      return 1;
    }
    rc = output_new_password(fptr, username as string, password_cmd, iterations);
    closeSync(fptr.fd);
    return rc;
  }else{
    const { fptr, err } = fopen(password_file, 'r+t');
    if(!fptr){
      process.stderr.write(`Error: Unable to open password file ${password_file}. ${strerror(err)}.\n`);
      return 1;
    }

    backup_file = `${password_file}.tmp`;

    if(create_backup(backup_file, fptr)){
      closeSync(fptr.fd);
      return 1;
    }

    const { ftmp, err: tmp_err } = mpw_tmpfile();
    if(!ftmp){
      process.stderr.write(`Error: Unable to open temporary file. ${strerror(tmp_err)}.\n`);
      closeSync(fptr.fd);
      return 1;
    }
    if(delete_user){
      rc = delete_pwuser(fptr, ftmp, username as string);
    }else if(do_update_file){
      rc = update_file(fptr, ftmp);
    }else{
      if(batch_mode){
        rc = update_pwuser(fptr, ftmp, username as string, password_cmd, iterations);
      }else{
        const got = await get_password('Password: ', 'Reenter password: ', false, MAX_BUFFER_LEN);
        if(got.rc){
          closeSync(fptr.fd);
          closeSync(ftmp.fd);
          unlink(backup_file);
          return got.rc;
        }
        rc = update_pwuser(fptr, ftmp, username as string, got.password, iterations);
      }
    }
    if(rc){
      closeSync(fptr.fd);
      closeSync(ftmp.fd);
      unlink(backup_file);
      return rc;
    }

    if(copy_contents(ftmp, fptr)){
      closeSync(fptr.fd);
      closeSync(ftmp.fd);
      process.stderr.write('Error occurred updating password file.\n');
      process.stderr.write(`Password file may be corrupt, check the backup file: ${backup_file}.\n`);
      return 1;
    }
    closeSync(fptr.fd);
    closeSync(ftmp.fd);

    unlink(backup_file);
  }

  return 0;
}
