import { buildApp } from '../lib/orders-stack.js';

buildApp().app.synth();
