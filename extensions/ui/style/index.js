import './base.css';
import './dialog.css';
import './table.css';
