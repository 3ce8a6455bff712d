/** ffmpeg or ffprobe exited with an error. */
export class MediaToolError extends Error {
  override readonly name = 'MediaToolError';
  constructor(
    message: string,
    /** The last lines the tool wrote to stderr: its own reason. */
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** The bytes are not an image or video we can read (an upload answers 415 with this message). */
export class InvalidMediaError extends Error {
  override readonly name = 'InvalidMediaError';
}
