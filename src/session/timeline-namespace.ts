export { Timeline } from './timeline.js';
