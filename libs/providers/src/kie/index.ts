export { KieAdapter } from './kie.adapter.js';
export { stageKieFile } from './kie.upload.js';
export { KIE_FAMILIES, kieFamilyOf, readVeoRecord, type KieFamily, type KieVeoRecord } from './kie.families.js';
export { KIE_DEFAULT_BASE_URL, KIE_DEFAULT_UPLOAD_BASE_URL, readKieRecord, verifyKieSignature, checkKieEnvelope, type KieRecord, type KieEnvelope } from './kie.wire.js';
