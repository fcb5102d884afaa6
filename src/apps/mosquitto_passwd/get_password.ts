/**
 * Asking for a password twice without echoing it (apps/mosquitto_passwd/get_password.c).
 *
 * C switches the terminal out of echo and line mode with termios and reads with fgets(stdin);
 * when stdin is not a terminal the termios calls fail quietly and the lines are read from the
 * pipe or file as they are. Node has no termios and no blocking stdin reads: on a terminal the
 * port uses raw mode (which also stops the terminal turning Ctrl-C into SIGINT and Enter into
 * `\n`, so both are done here), and stdin is read through its stream with a buffer that, like
 * stdio's, keeps whatever came after the first line for the second prompt.
 * @module
 */

/** Longest password line accepted, as the C's MAX_BUFFER_LEN. */
const MAX_BUFFER_LEN = 65500;

/** What has been read from stdin but not yet handed out, and whether stdin has ended. */
const stdin_state = { buf: Buffer.alloc(0), eof: false };

/**
 * Puts the terminal back into echoing line mode.
 * @adapted termios ECHO|ICANON become Node's tty raw mode switch.
 */
export function get_password__reset_term(): void {
  if(process.stdin.isTTY && process.stdin.isRaw){
    process.stdin.setRawMode(false);
  }
}

/**
 * Waits for the next chunk of stdin (or its end) and appends it to the buffer. In raw terminal
 * mode Enter arrives as `\r` and Ctrl-C as a byte; they are turned back into `\n` and SIGINT, as
 * the C's terminal settings (ICRNL, ISIG left on) would have done.
 * @tsonly Node reads stdin by events; this is the refill step of stdio's buffer.
 */
function stdin__fill(): Promise<void> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    const done = (): void => {
      stdin.off('data', on_data);
      stdin.off('end', on_end);
      stdin.off('error', on_end);
      stdin.pause();
      resolve();
    };
    const on_data = (data: Buffer | string): void => {
      let chunk = Buffer.isBuffer(data) ? data : Buffer.from(data);
      if(stdin.isTTY && stdin.isRaw){
        chunk = Buffer.from(chunk.map((c) => (c === 0x0d ? 0x0a : c)));
        if(chunk.includes(0x03)){
          process.kill(process.pid, 'SIGINT');
          chunk = chunk.subarray(0, chunk.indexOf(0x03));
        }
      }
      stdin_state.buf = Buffer.concat([stdin_state.buf, chunk]);
      done();
    };
    const on_end = (): void => {
      stdin_state.eof = true;
      done();
    };
    stdin.on('data', on_data);
    stdin.on('end', on_end);
    stdin.on('error', on_end);
    stdin.resume();
  });
}

/**
 * Reads one line from stdin, at most `len - 1` bytes of it, keeping the newline: fgets(s, len,
 * stdin). Resolves to null when stdin ended before anything was read.
 * @tsonly fgets() on stdin, over the event-driven buffer above.
 */
async function stdin__fgets(len: number): Promise<string | null> {
  while(true){
    const limit = Math.min(len - 1, stdin_state.buf.length);
    const eol = stdin_state.buf.subarray(0, limit).indexOf(0x0a);
    let take = -1;

    if(eol >= 0){
      take = eol + 1;
    }else if(stdin_state.buf.length >= len - 1 || (stdin_state.eof && stdin_state.buf.length > 0)){
      take = limit;
    }else if(stdin_state.eof){
      return null;
    }
    if(take >= 0){
      const line = stdin_state.buf.subarray(0, take).toString('utf8');
      stdin_state.buf = stdin_state.buf.subarray(take);
      return line;
    }
    await stdin__fill();
  }
}

/**
 * Reads one line from stdin with echo off and strips its line ending. rc 1 when nothing could be
 * read or the line was empty, else rc 0 and the text.
 * @adapted termios becomes tty raw mode (terminals only); the Windows console branch is not
 * ported; the char buffer out-parameter is the returned `s`.
 */
async function gets_quiet(len: number): Promise<{ rc: number; s: string }> {
  const tty = process.stdin.isTTY === true;

  if(tty){
    process.stdin.setRawMode(true);
  }
  let s = await stdin__fgets(len);
  if(tty){
    process.stdin.setRawMode(false);
  }

  if(s === null){
    return { rc: 1, s: '' };
  }else{
    s = s.replace(/[\r\n]+$/, '');
    if(s.length === 0){
      return { rc: 1, s };
    }
  }
  return { rc: 0, s };
}

/**
 * Prompts for a password and, when `verify_prompt` is given, for it again. rc 0 with the
 * password; rc 1 for an empty one, rc 2 when the two differ (messages go to stderr unless
 * `quiet`).
 * @adapted async because Node reads stdin by events; the password out-parameter is the returned
 * `password` (already no longer than `len`, so the C's strncpy has nothing to cut).
 */
export async function get_password(prompt: string, verify_prompt: string | null, quiet: boolean, len: number): Promise<{ rc: number; password: string }> {
  const minLen = len < MAX_BUFFER_LEN ? len : MAX_BUFFER_LEN;

  process.stdout.write(prompt);
  const pw1 = await gets_quiet(minLen);
  if(pw1.rc){
    if(!quiet){
      process.stderr.write('Error: Empty password.\n');
    }
    return { rc: 1, password: '' };
  }
  process.stdout.write('\n');

  if(verify_prompt){
    process.stdout.write(verify_prompt);
    const pw2 = await gets_quiet(minLen);
    if(pw2.rc){
      if(!quiet){
        process.stderr.write('Error: Empty password.\n');
      }
      return { rc: 1, password: '' };
    }
    process.stdout.write('\n');

    if(pw1.s !== pw2.s){
      if(!quiet){
        process.stderr.write('Error: Passwords do not match.\n');
      }
      return { rc: 2, password: '' };
    }
  }

  return { rc: 0, password: pw1.s };
}
