/** `tf.flags` (=== `tf.app.flags`): absl's flag definitions and `FLAGS`. */
export {
  FLAGS, FlagValues, Flag, FlagsError as Error, IllegalFlagValueError, UnrecognizedFlagError, DuplicateFlagError,
  DEFINE_string, DEFINE_integer, DEFINE_float, DEFINE_boolean, DEFINE_bool, DEFINE_list, DEFINE_enum, DEFINE_multi_string,
  DEFINE_multi_integer, defineString, defineInteger, defineFloat, defineBoolean, defineBool, defineList, defineEnum,
  defineMultiString, defineMultiInteger, type ParseOptions, type FlagValue,
} from './flags.js';
