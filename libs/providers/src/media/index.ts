export { ffmpegPath, ffprobePath } from './ffmpeg.js';
export { runTool, type RunToolOptions } from './run-tool.js';
export { InvalidMediaError, MediaToolError } from './media-errors.js';
export { probeVideo, type VideoInfo } from './probe-video.js';
export { probeImage, type ImageInfo } from './probe-image.js';
export { imageThumbnail, type ThumbnailOptions } from './image-thumbnail.js';
export { posterFrame, type PosterFrameOptions } from './poster-frame.js';
export { h264Encoder, type H264Encoder } from './h264-encoder.js';
