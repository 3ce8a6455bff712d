import type { GenerateRequest, ModelDto, ParameterSpec, ParameterValue } from '@genbox/contracts';
import { computed, ref, watch, type Ref } from 'vue';

export const MAX_COUNT = 8;

export interface FieldView {
  name: string;
  kind: ParameterSpec['type'];
  label: string;
  description?: string;
  options: { value: ParameterValue; label: string }[];
  min?: number;
  max?: number;
  step?: number;
  required: boolean;
  /** Fixed by the model: shown, not editable. */
  disabled: boolean;
}

/** A field's value; null means "not set", so the server applies its default. */
export type FieldValue = ParameterValue | null;

function labelOf(name: string, spec: ParameterSpec) {
  return spec.label ?? name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function initialValue(spec: ParameterSpec): FieldValue {
  if (spec.default !== undefined) return spec.default;
  return spec.type === 'boolean' ? false : null;
}

function isEmpty(v: FieldValue | undefined) {
  return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

/** The first problem with one value, in words a person can act on, or null. */
export function validateField(label: string, spec: ParameterSpec, value: FieldValue | undefined): string | null {
  if (isEmpty(value)) return spec.required ? `${label} is required` : null;
  switch (spec.type) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n)) return `${label} must be a number`;
      if (spec.integer && !Number.isInteger(n)) return `${label} must be a whole number`;
      if (spec.min !== undefined && n < spec.min) return `${label} must be at least ${spec.min}`;
      if (spec.max !== undefined && n > spec.max) return `${label} must be at most ${spec.max}`;
      return null;
    }
    case 'select':
      return spec.options && !spec.options.some((o) => String(o) === String(value)) ? `${label} must be one of ${spec.options.join(', ')}` : null;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${label} must be on or off`;
    case 'text':
      return null;
  }
}

/** Everything the generate panel edits, built from the chosen model's parameters_schema. */
export function useGenerateForm(model: Ref<ModelDto | null | undefined>) {
  const prompt = ref('');
  const parentAssetId = ref<string | null>(null);
  const count = ref(1);
  const values = ref<Record<string, FieldValue>>({});

  const schema = computed(() => model.value?.parameters_schema ?? {});
  const needsImage = computed(() => model.value?.input_type === 'IMAGE');

  /** Whether a parameter's `only_when` condition holds for the current values (else it keeps its default). */
  const applies = (spec: ParameterSpec) =>
    !spec.only_when || Object.entries(spec.only_when).every(([other, v]) => String(values.value[other] ?? schema.value[other]?.default) === String(v));
  const conditionText = (spec: ParameterSpec) =>
    `Only available when ${Object.entries(spec.only_when ?? {}).map(([other, v]) => `${labelOf(other, schema.value[other] ?? { type: 'text' })} is ${v}`).join(' and ')}`;

  const fields = computed<FieldView[]>(() =>
    Object.entries(schema.value).map(([name, spec]) => ({
      name,
      kind: spec.type,
      label: labelOf(name, spec),
      description: applies(spec) ? spec.description : conditionText(spec),
      options: (spec.options ?? []).map((o) => ({ value: o, label: String(o) })),
      min: spec.min,
      max: spec.max,
      step: spec.step ?? (spec.integer ? 1 : undefined),
      required: !!spec.required,
      disabled: !!spec.fixed || !applies(spec),
    })),
  );

  /** Back to the model's defaults; fixed fields always hold their default. */
  function reset() {
    values.value = Object.fromEntries(Object.entries(schema.value).map(([name, spec]) => [name, initialValue(spec)]));
  }
  watch(() => model.value?.id, reset, { immediate: true });
  watch(needsImage, (needed) => { if (!needed) parentAssetId.value = null; });

  const errors = computed(() => {
    const out: Record<string, string> = {};
    if (!model.value) out.ai_model_id = 'Choose a model';
    if (!prompt.value.trim()) out.prompt = 'Write a prompt';
    if (needsImage.value && !parentAssetId.value) out.parent_asset_id = 'Pick an image to start from';
    if (!Number.isInteger(count.value) || count.value < 1 || count.value > MAX_COUNT) out.count = `Count must be between 1 and ${MAX_COUNT}`;
    for (const [name, spec] of Object.entries(schema.value)) {
      const message = validateField(labelOf(name, spec), spec, values.value[name]);
      if (message) out[name] = message;
    }
    return out;
  });
  const isValid = computed(() => Object.keys(errors.value).length === 0);

  /** generation_config: set values only, fixed ones forced to their default. */
  function config(): Record<string, ParameterValue> {
    const out: Record<string, ParameterValue> = {};
    for (const [name, spec] of Object.entries(schema.value)) {
      if (!applies(spec)) continue; // the server falls back to the default
      const v = spec.fixed ? spec.default : values.value[name];
      if (v === undefined || isEmpty(v)) continue;
      out[name] = spec.type === 'number' ? Number(v) : (v as ParameterValue);
    }
    return out;
  }

  function request(): GenerateRequest {
    if (!model.value) throw new Error('Choose a model');
    return {
      prompt: prompt.value.trim(),
      ai_model_id: model.value.id,
      parent_asset_id: needsImage.value ? parentAssetId.value : undefined,
      generation_config: config(),
      count: count.value > 1 ? count.value : undefined,
    };
  }

  return { prompt, parentAssetId, count, values, fields, errors, isValid, needsImage, reset, config, request };
}
