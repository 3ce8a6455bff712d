import { randomUUID } from 'node:crypto';
import { FileShelf, QUICK_SUCCESS, ScriptedTask, type TaskScript } from '../shared/index.js';
import { imageDimsProblem, RUNWARE_MODELS, videoRuleProblem, type RunwareModelRules } from './models.js';

/** A TaskScript plus the Runware error code a failure carries. */
export type RunwareScript = TaskScript & { failCode?: string };

export interface RunwareError {
  code: string;
  message: string;
  parameter?: string;
  taskType?: string;
  taskUUID?: string;
  status?: string;
}

/** What one task contributes to an answer: entries for `data` and for `errors`. */
export interface TaskAnswer {
  data: Record<string, unknown>[];
  errors: RunwareError[];
  /** HTTP status this task alone would need (400 for a refused task, 200 otherwise). */
  status: number;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface VideoTask {
  scripted: ScriptedTask;
  webhookURL?: string;
  videoUUID: string;
  videoPath?: string;
}

/**
 * Runware's task semantics (PROTOCOLS §3), independent of transport: HTTP and WebSocket both feed
 * task objects here and send back `{data, errors?}`.
 */
export class RunwareTasks {
  readonly uploads = new Map<string, { bytes: Buffer; mimeType: string }>();
  readonly videos = new Map<string, VideoTask>();
  /** Scripts for the next generations, oldest first; `fallback` when empty. */
  readonly nextScripts: RunwareScript[] = [];

  constructor(
    readonly shelf: FileShelf,
    private readonly fallback: RunwareScript,
    private readonly now: () => number,
    private readonly pendingWord: 'processing' | 'pending',
    private readonly onVideoFinished: (task: VideoTask) => void,
    private readonly baseUrl: () => string,
  ) {}

  run(task: Record<string, unknown>): TaskAnswer {
    const taskUUID = String(task.taskUUID ?? '');
    const taskType = String(task.taskType ?? '');
    if (!UUID_RE.test(taskUUID)) return refuse({ code: 'invalidTaskUUID', message: 'taskUUID must be a UUID v4.', parameter: 'taskUUID', taskType });
    switch (taskType) {
      case 'imageUpload':
        return this.imageUpload(taskUUID, task);
      case 'imageInference':
        return this.imageInference(taskUUID, task);
      case 'videoInference':
        return this.videoInference(taskUUID, task);
      case 'getResponse':
        return this.getResponse(taskUUID);
      default:
        return refuse({ code: 'invalidTaskType', message: `Unsupported taskType "${taskType}".`, parameter: 'taskType', taskType, taskUUID });
    }
  }

  private takeScript(): RunwareScript {
    return this.nextScripts.shift() ?? this.fallback;
  }

  private imageUpload(taskUUID: string, task: Record<string, unknown>): TaskAnswer {
    const image = String(task.image ?? '');
    const m = /^data:([^;]+);base64,(.*)$/s.exec(image);
    const bytes = Buffer.from(m ? m[2] : image, 'base64');
    if (bytes.length === 0) return refuse({ code: 'invalidImage', message: 'image must be a data URI, base64 data or a URL.', parameter: 'image', taskType: 'imageUpload', taskUUID });
    const imageUUID = randomUUID();
    this.uploads.set(imageUUID, { bytes, mimeType: m?.[1] ?? 'image/png' });
    return ok([{ taskType: 'imageUpload', taskUUID, imageUUID }]);
  }

  /** An image reference must be a URL, a data URI, or the UUID of an earlier upload. */
  private knownImage(ref: unknown): boolean {
    const s = String(ref ?? '');
    if (UUID_RE.test(s)) return this.uploads.has(s);
    return /^(https?:|data:)/.test(s) || s.length > 100;
  }

  /** The model's documented rules, or the refusal Runware sends for an unknown or wrong-kind AIR id. */
  private modelRules(task: Record<string, unknown>, kind: 'image' | 'video', taskType: string, taskUUID: string): RunwareModelRules | TaskAnswer {
    if (!task.model) return refuse({ code: 'missingModel', message: 'model is required.', parameter: 'model', taskType, taskUUID });
    const rules = RUNWARE_MODELS[String(task.model)];
    if (!rules || rules.kind !== kind) return refuse({ code: 'invalidModel', message: `Invalid value for model: "${String(task.model)}" is not a ${kind} model.`, parameter: 'model', taskType, taskUUID });
    return rules;
  }

  private imageInference(taskUUID: string, task: Record<string, unknown>): TaskAnswer {
    const rules = this.modelRules(task, 'image', 'imageInference', taskUUID);
    if ('errors' in rules) return rules;
    const dims = imageDimsProblem(rules, task);
    if (dims) return refuse({ ...dims, taskType: 'imageInference', taskUUID });
    if (task.seedImage !== undefined && !this.knownImage(task.seedImage)) {
      return refuse({ code: 'invalidSeedImage', message: 'seedImage is not a known image UUID, URL or data URI.', parameter: 'seedImage', taskType: 'imageInference', taskUUID });
    }
    const script = this.takeScript();
    if (script.outcome === 'failed') return this.failure(taskUUID, 'imageInference', script);
    const n = Math.max(1, Number(task.numberResults ?? 1));
    const data = Array.from({ length: n }, () => {
      const entry: Record<string, unknown> = { taskType: 'imageInference', taskUUID, imageUUID: randomUUID(), seed: 12345, NSFWContent: script.outcome === 'filtered' };
      // A content-filter refusal is a "success" with no imageURL (PROTOCOLS §3.6).
      if (script.outcome !== 'filtered') entry.imageURL = this.baseUrl() + this.shelf.putSample(script.output ?? 'png', script.resultTtlMs);
      if (task.includeCost) entry.cost = 0.0013;
      return entry;
    });
    return ok(data);
  }

  private videoInference(taskUUID: string, task: Record<string, unknown>): TaskAnswer {
    if (task.deliveryMethod !== 'async') {
      return refuse({ code: 'invalidDeliveryMethod', message: 'videoInference requires deliveryMethod "async".', parameter: 'deliveryMethod', taskType: 'videoInference', taskUUID });
    }
    // Frame images moved into inputs.frameImages[{image, frame}] (runware.ai/docs/models/*): the old top-level field is refused.
    if (task.frameImages !== undefined) {
      return refuse({ code: 'unsupportedParameter', message: 'frameImages is not a parameter of videoInference: send inputs.frameImages[{image, frame}].', parameter: 'frameImages', taskType: 'videoInference', taskUUID });
    }
    const rules = this.modelRules(task, 'video', 'videoInference', taskUUID);
    if ('errors' in rules) return rules;
    const inputs = (task.inputs ?? {}) as { frameImages?: unknown };
    if (inputs.frameImages !== undefined && !Array.isArray(inputs.frameImages)) {
      return refuse({ code: 'invalidFrameImages', message: 'inputs.frameImages must be an array of {image, frame}.', parameter: 'inputs.frameImages', taskType: 'videoInference', taskUUID });
    }
    const frames = (inputs.frameImages ?? []) as { image?: unknown; frame?: unknown }[];
    if (frames.some((f) => !this.knownImage(f.image) || (f.frame !== undefined && !['first', 'last'].includes(String(f.frame)) && !Number.isInteger(f.frame)))) {
      return refuse({ code: 'invalidFrameImages', message: 'inputs.frameImages[].image must be a known image UUID, URL or data URI, and frame "first", "last" or a frame index.', parameter: 'inputs.frameImages', taskType: 'videoInference', taskUUID });
    }
    const broken = videoRuleProblem(rules, task);
    if (broken) return refuse({ ...broken, taskType: 'videoInference', taskUUID });
    const video: VideoTask = {
      videoUUID: randomUUID(),
      webhookURL: typeof task.webhookURL === 'string' ? task.webhookURL : undefined,
      scripted: new ScriptedTask(taskUUID, { output: 'mp4', ...this.takeScript() }, this.now, () => this.onVideoFinished(video)),
    };
    this.videos.set(taskUUID, video);
    return ok([{ taskType: 'videoInference', taskUUID }]);
  }

  private getResponse(taskUUID: string): TaskAnswer {
    const video = this.videos.get(taskUUID);
    if (!video) return { data: [], errors: [{ code: 'taskNotFound', message: `No task with taskUUID ${taskUUID}.`, taskType: 'getResponse', taskUUID }], status: 404 };
    video.scripted.observe();
    return this.videoAnswer(taskUUID, video);
  }

  /** The task as getResponse (and the webhook) reports it right now. */
  videoAnswer(taskUUID: string, video: VideoTask): TaskAnswer {
    const phase = video.scripted.peek();
    const script = video.scripted.script as RunwareScript;
    if (phase === 'queued' || phase === 'running') return ok([{ taskType: 'videoInference', taskUUID, status: this.pendingWord }]);
    if (phase === 'failed') return this.failure(taskUUID, 'videoInference', script, 200);
    const entry: Record<string, unknown> = { taskType: 'videoInference', taskUUID, status: 'success', videoUUID: video.videoUUID, cost: 0.18, seed: 12345 };
    if (phase === 'succeeded') {
      video.videoPath ??= this.shelf.putSample(script.output ?? 'mp4', script.resultTtlMs);
      entry.videoURL = this.baseUrl() + video.videoPath;
    }
    return ok([entry]);
  }

  private failure(taskUUID: string, taskType: string, script: RunwareScript, status = 200): TaskAnswer {
    const error = { code: script.failCode ?? 'timeoutProvider', status: 'error', message: script.failMessage ?? 'Provider timeout', taskType, taskUUID };
    return { data: [], errors: [error], status };
  }
}

const ok = (data: Record<string, unknown>[]): TaskAnswer => ({ data, errors: [], status: 200 });
const refuse = (error: RunwareError): TaskAnswer => ({ data: [], errors: [error], status: 400 });

export const DEFAULT_RUNWARE_SCRIPT: RunwareScript = QUICK_SUCCESS;
