/** How reports name the objects of ARM JSON, Bicep and Terraform (Target.labels of every Azure kit). */
import { bracketLabels } from '../../labels.js';
import type { ArtifactLabeller } from '../../target.js';

export const AZURE_LABELS: Readonly<Record<string, ArtifactLabeller>> = { arm: bracketLabels, bicep: bracketLabels, terraform: bracketLabels };
