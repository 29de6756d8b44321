/**
 * Schemas of the public options objects and of the positional arguments checked at the
 * boundary (see validate.ts for how a failure reads). Objects are strict: an unknown key is
 * rejected by name. Defaults stay with the code that applies them.
 */
import { z } from 'zod';
import { Tensor } from './graph/tensor.js';
import {
  dtypeSchema, intIn, isVariable, nameSchema, scalarSchema, seedSchema, tensorLikeSchema, variableSchema,
} from './validate.js';

const name = nameSchema.optional();
const flag = z.boolean().optional();

// ----- ops -----------------------------------------------------------------------------------------
export const matmulOptions = z.strictObject({ transposeA: flag, transposeB: flag, adjointA: flag, adjointB: flag, aIsSparse: flag, bIsSparse: flag, name });

export const randomOptions = z.strictObject({
  mean: scalarSchema.optional(),
  stddev: scalarSchema.optional(),
  minval: scalarSchema.optional(),
  maxval: scalarSchema.optional(),
  dtype: dtypeSchema.optional(),
  seed: seedSchema.optional(),
  name,
});

export const dropoutOptions = z.strictObject({
  noiseShape: z.array(intIn(0)).optional(),
  seed: seedSchema.optional(),
  name,
  rate: scalarSchema.optional(),
});
/** `keepProb`: a number, a tensor, or absent when `rate` is given. */
export const keepProbArg = scalarSchema.nullish();

const sizes = z.union([intIn(), z.array(intIn(), { error: 'expected an array of integers' })]);
export const conv2dOptions = z.strictObject({ dilations: sizes.optional(), dataFormat: z.string().optional(), name });
export const poolOptions = z.strictObject({ dataFormat: z.string().optional(), name });

export const variableOptions = z.strictObject({
  name,
  trainable: flag,
  dtype: dtypeSchema.optional(),
  collections: z.array(z.string()).optional(),
  validateShape: flag,
  cachingDevice: z.string().optional(),
  expectedShape: z.array(z.number()).optional(),
  shape: z.array(z.number()).optional(),
  synchronization: z.unknown().optional(),
  aggregation: z.unknown().optional(),
});

export const oneHotOptions = z.strictObject({
  onValue: z.union([z.number(), z.boolean()]).optional(),
  offValue: z.union([z.number(), z.boolean()]).optional(),
  axis: intIn().optional(),
  dtype: dtypeSchema.optional(),
  name,
});

export const unstackOptions = z.strictObject({ num: intIn(0).optional(), axis: intIn().optional(), name });

export const gradientsOptions = z.strictObject({ name, stopGradients: z.array(tensorLikeSchema).optional() });

// ----- optimizers ----------------------------------------------------------------------------------
/** A learning rate or another scalar hyper-parameter given positionally. */
export const hyperArg = scalarSchema;

const optimizerBase = { useLocking: flag, name };
export const gradientDescentOptions = z.strictObject(optimizerBase);
export const momentumOptions = z.strictObject({ ...optimizerBase, useNesterov: flag });
/** Positivity is checked by the optimizer itself, with TF's ValueError text. */
export const adagradOptions = z.strictObject({ ...optimizerBase, initialAccumulatorValue: z.number().optional() });
export const ftrlOptions = z.strictObject({
  ...optimizerBase,
  learningRatePower: z.number().optional(),
  initialAccumulatorValue: z.number().optional(),
  l1RegularizationStrength: z.number().optional(),
  l2RegularizationStrength: z.number().optional(),
  accumName: z.string().nullable().optional(),
  linearName: z.string().nullable().optional(),
  l2ShrinkageRegularizationStrength: z.number().optional(),
});
export const adamOptions = z.strictObject({
  ...optimizerBase,
  beta1: scalarSchema.optional(),
  beta2: scalarSchema.optional(),
  epsilon: scalarSchema.optional(),
});
export const rmspropOptions = z.strictObject({
  ...optimizerBase,
  decay: scalarSchema.optional(),
  momentum: scalarSchema.optional(),
  epsilon: scalarSchema.optional(),
  centered: flag,
});

const globalStep = variableSchema.nullable().optional();
export const varListArg = z.array(variableSchema).nullish();
export const computeGradientsOptions = z.strictObject({ gradLoss: tensorLikeSchema.optional() });
export const applyGradientsOptions = z.strictObject({ globalStep, name });
export const minimizeOptions = z.strictObject({ globalStep, name, gradLoss: tensorLikeSchema.optional(), varList: varListArg });

// ----- learning-rate schedules -----------------------------------------------------------------------
const schedule = { learningRate: scalarSchema, globalStep: scalarSchema, decaySteps: scalarSchema };
/** exponentialDecay, inverseTimeDecay, naturalExpDecay. */
export const decayArgs = z.strictObject({ ...schedule, decayRate: scalarSchema, staircase: z.boolean(), name });
export const polynomialDecayArgs = z.strictObject(schedule);
export const polynomialDecayOptions = z.strictObject({
  endLearningRate: z.number().optional(),
  power: z.number().optional(),
  cycle: flag,
  name,
});
export const cosineDecayArgs = z.strictObject({ ...schedule, alpha: z.number(), name });
export const piecewiseConstantArgs = z.strictObject({
  x: scalarSchema,
  boundaries: z.array(z.number()),
  values: z.array(scalarSchema),
  name,
});

// ----- checkpoints ---------------------------------------------------------------------------------
export const saverOptions = z.strictObject({
  maxToKeep: intIn(0).nullable().optional(),
  keepCheckpointEveryNHours: z
    .custom<number>((x) => typeof x === 'number' && x > 0, { error: 'expected a positive number of hours' })
    .optional(),
  allowEmpty: flag,
  padStepNumber: flag,
  saveRelativePaths: flag,
  reshape: flag,
});

export const saveOptions = z.strictObject({
  globalStep: z
    .custom<unknown>((x) => Number.isInteger(x) || x instanceof Tensor || isVariable(x), {
      error: 'expected an integer, a Tensor or a Variable',
    })
    .nullable()
    .optional(),
  latestFilename: z.string().optional(),
  writeState: flag,
});
