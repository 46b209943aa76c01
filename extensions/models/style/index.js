import '@turing/ui/style/index.js';
import './base.css';
import './main-area.css';
