/** ffmpeg or ffprobe exited with an error. */
export class MediaToolError extends Error {
  override readonly name: string = 'MediaToolError';
  constructor(
    message: string,
    /** The last lines the tool wrote to stderr: its own reason. */
    readonly stderr: string,
  ) {
    super(message);
  }
}

/**
 * A run of ffmpeg or ffprobe outlived its deadline and was killed. Still a MediaToolError (the
 * media could not be handled), but callers that would try again with other settings (a poster
 * frame from 0 s) must not: the same input would hang the same way.
 */
export class MediaToolDeadlineError extends MediaToolError {
  override readonly name = 'MediaToolDeadlineError';
}

/** The bytes are not an image or video we can read (an upload answers 415 with this message). */
export class InvalidMediaError extends Error {
  override readonly name = 'InvalidMediaError';
}
