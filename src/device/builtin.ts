/** The devices tsflow ships, each registering itself with registry.ts when imported. */
import './cpu/register.js';
import './webgpu/register.js';
